using System.Threading.Tasks.Dataflow;
using Pipeline.Algorithms.Ngu;
using Pipeline.Cluster.Client;
using Pipeline.Cluster.Contracts;
using Pipeline.Cluster.Grains;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Replay;
using TorchSharp;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// Where the agent's replay and published parameters live: one in-process <see cref="ReplayTable"/>, or shard grains
/// and a parameter server on a cluster. The agent's graph is the same either way; only these edges change.
/// </summary>
public abstract class NguReplay
{
    public abstract ITargetBlock<ItemBatch> Writer(int capacity, CancellationToken cancellation);

    public abstract Source<SampleBatch> Samples(BatchPool<SampleBatch> pool, long batches);

    public abstract void UpdatePriorities(long[] keys, double[] priorities);

    /// <summary>Items held (on a cluster: as of the last sample).</summary>
    public abstract int Size { get; }

    /// <summary>Called with every snapshot the learner publishes (a cluster also sends it to the parameter server).</summary>
    public virtual void Published(ParameterSnapshot snapshot, double insertPriority) { }

    /// <summary>The newest parameters a previous learner of this run published, if any (cluster only).</summary>
    public virtual ParameterSnapshot? LatestPublished(torch.Device device) => null;

    /// <summary>With every run checkpoint: the in-process table when <see cref="NguAgentConfig.CheckpointReplay"/> is set,
    /// a cluster's shards when they have a checkpoint directory.</summary>
    public virtual void Checkpoint() { }

    /// <summary>Extra actor metrics (a cluster reports lost items).</summary>
    public virtual IEnumerable<KeyValuePair<string, double>> Metrics() => [];

    public static NguReplay Create(NguConfig config, NguAgentConfig agent, SequenceLayout layout, RunPlan plan) =>
        plan.Cluster is { } cluster ? new Clustered(agent, layout, cluster, plan.Seed)
        : new Local(agent, layout, plan.Seed, agent.CheckpointReplay && plan.Directory is { } d ? Path.Combine(d, "replay", "table.ckpt") : null,
            resume: plan.Resume is not null);

    /// <summary>The run's sharded table as the learner and every actor host see it (same spec, so any may configure it first).</summary>
    public static Task<ShardedReplay> Connect(IGrainFactory grains, NguAgentConfig agent, SequenceLayout layout, string runName, int shards, int seed,
        string? checkpointDirectory)
    {
        var spec = new ShardSpec(runName, [.. layout.Items.Columns.Select(ColumnDefinition.From)],
            Math.Max(1, agent.ReplayCapacity / shards), "prioritized", agent.PriorityExponent,
            agent.MinReplay, MaxTimesSampled: 0, seed, checkpointDirectory);
        var options = new ShardedReplayOptions(shards,
            RateLimiterOptions.SampleToInsertRatio(agent.SamplesPerInsert, agent.MinReplay, agent.RateErrorBuffer), agent.ImportanceExponent, Seed: seed);
        return ShardedReplay.ConnectAsync(grains, spec, options);
    }

    /// <summary>Plain data back to a snapshot on <paramref name="device"/>.</summary>
    public static ParameterSnapshot ToSnapshot(SnapshotData data, torch.Device device)
    {
        var tensors = new List<torch.Tensor>(data.Tensors.Length);
        try
        {
            foreach (var t in data.Tensors) tensors.Add(t.ToTensor(device));
            return new(data.Version, [.. tensors]);
        }
        catch
        {
            foreach (var t in tensors) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The in-process table. With a checkpoint path it is written there (atomically, checksummed) with every run
    /// checkpoint, and a resumed run starts from it; a damaged file is reported and the run starts with an empty
    /// replay (replay is experience, not state the learner cannot rebuild).
    /// </summary>
    sealed class Local : NguReplay
    {
        readonly ReplayTable table;
        readonly string? path;

        public Local(NguAgentConfig agent, SequenceLayout layout, int seed, string? path, bool resume)
        {
            this.path = path;
            var options = new TableOptions(layout.Items, agent.ReplayCapacity, Sampler.Prioritized(agent.PriorityExponent),
                RateLimiterOptions.SampleToInsertRatio(agent.SamplesPerInsert, agent.MinReplay, agent.RateErrorBuffer),
                ImportanceExponent: agent.ImportanceExponent, Seed: seed).Validate();
            table = resume && path is not null && File.Exists(path) ? RestoreOrEmpty(path, options) : new ReplayTable(options);
        }

        static ReplayTable RestoreOrEmpty(string path, TableOptions options)
        {
            try
            {
                return ReplayTable.Restore(path, options);
            }
            catch (Exception e) when (e is Stages.Checkpoints.CorruptCheckpointException or CheckpointMismatchException)
            {
                Console.Error.WriteLine($"warning: {e.Message}; the resumed run starts with an empty replay");
                return new ReplayTable(options);
            }
        }

        public override void Checkpoint()
        {
            if (path is null) return;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            table.Checkpoint(path);
        }

        public override ITargetBlock<ItemBatch> Writer(int capacity, CancellationToken cancellation) => table.Writer(capacity, cancellation: cancellation);

        public override Source<SampleBatch> Samples(BatchPool<SampleBatch> pool, long batches) => table.Samples(pool, batches, full: true);

        public override void UpdatePriorities(long[] keys, double[] priorities) => table.UpdatePriorities(keys, priorities);

        public override int Size => table.Size;
    }

    /// <summary>
    /// Replay sharded over the cluster (capacity split evenly), the rate limiter applied by the sampler to the summed
    /// counters, and every published snapshot sent to the run's parameter server (awaited, so at most one is in flight).
    /// </summary>
    sealed class Clustered : NguReplay
    {
        readonly ShardedReplay replay;
        readonly IParameterServer server;

        public Clustered(NguAgentConfig agent, SequenceLayout layout, ClusterDeployment cluster, int seed)
        {
            replay = Connect(cluster.Grains, agent, layout, cluster.RunName, cluster.Shards, seed, cluster.CheckpointDirectory).GetAwaiter().GetResult();
            server = cluster.Grains.GetGrain<IParameterServer>(cluster.RunName);
        }

        public override ITargetBlock<ItemBatch> Writer(int capacity, CancellationToken cancellation) => replay.Writer(cancellation);

        public override Source<SampleBatch> Samples(BatchPool<SampleBatch> pool, long batches) => replay.Samples(pool, batches);

        Task pendingUpdate = Task.CompletedTask;

        /// <summary>Sends the update and returns at once; the next update first waits for this one (one in flight, in order).</summary>
        public override void UpdatePriorities(long[] keys, double[] priorities)
        {
            pendingUpdate.GetAwaiter().GetResult();
            pendingUpdate = replay.UpdatePrioritiesAsync(keys, [.. priorities]);
        }

        public override int Size => replay.LastKnownSize;

        readonly Guid epoch = Guid.NewGuid(); // this start of the learner

        /// <summary>
        /// Sends the snapshot to the parameter server. A failure (the server's silo died) is reported and skipped: the
        /// next publish, a few updates later, goes to the server's new activation.
        /// </summary>
        public override void Published(ParameterSnapshot snapshot, double insertPriority)
        {
            try
            {
                server.Publish(new SnapshotData(snapshot.Version, [.. snapshot.Values.Select(TensorData.From)], Environment.MachineName, insertPriority, epoch))
                    .GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
            {
                Console.Error.WriteLine($"warning: publishing parameters version {snapshot.Version} failed ({e.GetType().Name}: {e.Message}); the next publish retries");
            }
        }

        public override ParameterSnapshot? LatestPublished(torch.Device device) =>
            server.ReadIfNewer(Guid.Empty, -1).GetAwaiter().GetResult() is { } data ? ToSnapshot(data, device) : null;

        public override void Checkpoint()
        {
            if (replay.Spec.CheckpointDirectory is null) return;
            try
            {
                replay.CheckpointAsync().GetAwaiter().GetResult();
            }
            catch (ClusterCallException e)
            {
                Console.Error.WriteLine($"warning: checkpointing the replay shards failed: {e.Message}");
            }
        }

        public override IEnumerable<KeyValuePair<string, double>> Metrics()
        {
            var accounting = replay.Accounting;
            return [new("replay_lost", accounting.Lost), new("replay_shard_restarts", accounting.ShardRestarts)];
        }
    }
}
