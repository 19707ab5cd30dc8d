using Pipeline.Cluster.Contracts;
using Pipeline.Stages.Replay;

namespace Pipeline.Cluster.Grains;

/// <summary>
/// A replay shard: one <see cref="ReplayTable"/> per activation. New shards go to the silo with the fewest
/// activations, so a table's shards spread over the silos. Calls run one at a time (the grain is not reentrant), so a
/// shard is never interleaved with itself, even where a call awaits its checkpoint file I/O.
/// </summary>
[Orleans.Placement.ActivationCountBasedPlacement]
[CollectionAgeLimit(AlwaysActive = true)] // idle collection would drop the items
public sealed class ReplayShardGrain : Grain, IReplayShard
{
    readonly Guid incarnation = Guid.NewGuid();
    ShardSpec? spec;
    ReplayTable? table;
    ItemBatch? inbox;
    int restored;
    long restoredInserts, checkpointedInserts;
    bool restoreFailed;

    string Name => this.GetPrimaryKeyString();

    int ShardNumber => int.TryParse(Name[(Name.LastIndexOf('/') + 1)..], out var n) ? n : 0;

    public async Task<ShardStatus> Configure(ShardSpec wanted)
    {
        wanted.Validate();
        if (wanted.Protocol != ClusterProtocol.Version)
            throw new InvalidOperationException(
                $"replay shard '{Name}' on {RuntimeIdentity} speaks cluster protocol {ClusterProtocol.Version}; the caller speaks {wanted.Protocol}");
        if (spec is not null)
        {
            if (!SameSpec(spec, wanted))
                throw new InvalidOperationException($"replay shard '{Name}' on {RuntimeIdentity} was configured differently: {Describe(spec)} vs {Describe(wanted)}");
            return await Status();
        }
        var options = wanted.TableOptions(ShardNumber);
        var path = CheckpointPath(wanted);
        // Reading a large checkpoint off the grain's scheduler thread (the grain is not reentrant: no call interleaves).
        table = path is not null && File.Exists(path) ? await Task.Run(() => RestoreOrEmpty(path, options)) : new ReplayTable(options);
        restored = table.Size;
        restoredInserts = checkpointedInserts = table.Info().Counters.Inserts;
        inbox = new ItemBatch(options.Layout, 1);
        spec = wanted;
        return await Status();
    }

    /// <summary>
    /// A damaged checkpoint is moved aside (to <c>.bad</c>) and the shard starts empty, telling its clients that
    /// everything before is lost. A checkpoint written under other arguments is an error (the caller changed the run).
    /// </summary>
    ReplayTable RestoreOrEmpty(string path, TableOptions options)
    {
        try
        {
            return ReplayTable.Restore(path, options);
        }
        catch (Stages.Checkpoints.CorruptCheckpointException e)
        {
            Console.Error.WriteLine($"warning: replay shard '{Name}': {e.Message}; moved to {path}.bad, starting empty");
            File.Move(path, path + ".bad", overwrite: true);
            restoreFailed = true;
            return new ReplayTable(options);
        }
    }

    public Task<InsertReceipt> Insert(ItemChunk chunk)
    {
        var (table, spec) = Configured();
        if (inbox!.Capacity < chunk.Count) inbox = new ItemBatch(table.Layout, chunk.Count);
        chunk.CheckFits(table.Layout, inbox.Capacity);
        chunk.CopyTo(inbox);
        var accepted = table.TryInsert(inbox);
        if (accepted != chunk.Count)
            throw new InvalidOperationException($"replay shard '{Name}' took {accepted} of {chunk.Count} items of chunk {chunk.Producer}#{chunk.Sequence}");
        return Task.FromResult(new InsertReceipt(incarnation, accepted, table.Info().Counters.Inserts, restoredInserts, checkpointedInserts, restoreFailed));
    }

    public Task<SampledChunk> Sample(int count)
    {
        var (table, _) = Configured();
        if (count < 1 || table.Size == 0) return Task.FromResult(new SampledChunk(0, [], [], [], table.Size, []));
        using var batch = new SampleBatch(table.Layout, count);
        var n = table.TrySample(batch);
        return Task.FromResult(new SampledChunk(n, batch.Keys[..n], batch.Probabilities[..n], batch.TimesSampled[..n], batch.TableSize,
            ItemChunk.ColumnBytes(batch, 0, n)));
    }

    public Task<int> UpdatePriorities(long[] keys, double[] priorities) =>
        Task.FromResult(Configured().Table.UpdatePriorities(keys, priorities));

    public Task<ShardStatus> Status()
    {
        if (table is null) return Task.FromResult(new ShardStatus(ShardNumber, RuntimeIdentity, incarnation, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, false));
        var info = table.Info();
        return Task.FromResult(new ShardStatus(ShardNumber, RuntimeIdentity, incarnation, true, info.Size, info.Counters.Inserts,
            info.Counters.Samples, info.Counters.Deletes, info.PriorityTotal, info.SkippedPriorityUpdates, restored, restoredInserts, checkpointedInserts, restoreFailed));
    }

    public async Task<(string Path, long Inserts, Guid Incarnation)> Checkpoint()
    {
        var (table, spec) = Configured();
        var path = CheckpointPath(spec) ?? throw new InvalidOperationException($"replay shard '{Name}' has no checkpoint directory");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var inserts = table.Info().Counters.Inserts; // no insert interleaves: the grain is not reentrant
        await Task.Run(() => table.Checkpoint(path)); // the file write off the scheduler thread
        checkpointedInserts = inserts;
        return (path, inserts, incarnation);
    }

    public Task<(long[] Keys, ItemChunk Items)> ReadAll()
    {
        var (table, _) = Configured();
        var keys = table.Keys();
        var block = new ItemBatch(table.Layout, Math.Max(1, keys.Length));
        var found = new List<long>(keys.Length);
        foreach (var key in keys)
        {
            var index = block.Add();
            if (table.TryRead(key, block, index, out var priority)) { block.Priorities[index] = priority; found.Add(key); }
        }
        return Task.FromResult<(long[], ItemChunk)>(([.. found], ItemChunk.From(block, Name, 0) with { Count = found.Count }));
    }

    (ReplayTable Table, ShardSpec Spec) Configured() =>
        table is not null && spec is not null ? (table, spec) : throw new ShardNotConfiguredException(Name, RuntimeIdentity);

    string? CheckpointPath(ShardSpec s) =>
        s.CheckpointDirectory is null ? null : Path.Combine(s.CheckpointDirectory, Name.Replace('/', '-') + ".replay");

    static bool SameSpec(ShardSpec a, ShardSpec b) => Describe(a) == Describe(b);

    static string Describe(ShardSpec s) =>
        $"{s.Table} [{string.Join(";", s.Columns.Select(c => $"{c.Name}:{c.Type}[{string.Join(",", c.Shape)}]"))}] capacity {s.CapacityPerShard} "
        + $"{s.Sampler}({s.PriorityExponent}) min {s.MinSizeToSample} max-times {s.MaxTimesSampled} seed {s.Seed} dir {s.CheckpointDirectory}";
}
