using System.Runtime.CompilerServices;
using System.Threading.Tasks.Dataflow;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Pipeline.Cluster.Contracts;
using Pipeline.Cluster.Grains;
using Pipeline.Stages.Graph;
using Pipeline.Stages.Replay;

namespace Pipeline.Cluster.Client;

/// <summary>
/// A replay table split over <see cref="ShardedReplayOptions.Shards"/> shard grains, used from any process of the
/// cluster. Inserts go round-robin to the shards. A sample batch asks every shard for its total sampling weight W_s,
/// draws how many items each shard gives from a multinomial with probabilities W_s / W, and lets each shard draw its
/// items by its own priorities, so item i of shard s is drawn with probability (W_s / W) · (w_i / W_s) = w_i / W, as
/// from one table (exact while no insert or update lands between the two calls; otherwise the shard probabilities
/// are those of a moment earlier). Importance weights use that probability and the size of the whole table.
/// </summary>
public sealed class ShardedReplay
{
    readonly IGrainFactory grains;
    readonly IReplayShard[] shards;
    readonly ShardState[] state;
    readonly InsertView insertView = new();
    readonly Random random;
    readonly string producer = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    long nextShard, nextSequence, lostInFlight, lostWithShards, lastKnownSize, skippedUpdates, abandoned;
    int restarts;

    ShardedReplay(IGrainFactory grains, ShardSpec spec, ShardedReplayOptions options)
    {
        this.grains = grains;
        Spec = spec.Validate();
        Options = options.Validate();
        Layout = spec.Layout();
        shards = [.. Enumerable.Range(0, options.Shards).Select(i => grains.GetGrain<IReplayShard>(ShardName(spec.Table, i)))];
        state = [.. Enumerable.Range(0, options.Shards).Select(_ => new ShardState(spec.CheckpointDirectory is not null))];
        random = new Random(unchecked((int)(options.Seed * 2_654_435_761L)));
    }

    public ShardSpec Spec { get; }

    public ShardedReplayOptions Options { get; }

    public ItemLayout Layout { get; }

    public static string ShardName(string table, int shard) => $"{table}/{shard}";

    /// <summary>
    /// Configures every shard (restoring those with a checkpoint) and returns the client. A shard activated now is
    /// placed on the active silos in turn (Orleans' placement hint): shard i on silo i mod silos, ordered by address.
    /// </summary>
    public static async Task<ShardedReplay> ConnectAsync(IGrainFactory grains, ShardSpec spec, ShardedReplayOptions options)
    {
        var replay = new ShardedReplay(grains, spec, options);
        var silos = (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false)).Keys
            .OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        for (var i = 0; i < options.Shards; i++)
        {
            if (silos.Length > 0) RequestContext.Set(IPlacementDirector.PlacementHintKey, silos[i % silos.Length]);
            try
            {
                await replay.ConfigureAsync(i).ConfigureAwait(false);
            }
            finally
            {
                RequestContext.Clear();
            }
        }
        return replay;
    }

    /// <summary>Items held over all shards when this client last looked (every sample looks).</summary>
    public int LastKnownSize => (int)Math.Min(int.MaxValue, Interlocked.Read(ref lastKnownSize));

    public ReplayAccounting Accounting
    {
        get
        {
            var acknowledged = 0L;
            foreach (var s in state) lock (s) acknowledged += s.Acknowledged;
            return new(acknowledged, Interlocked.Read(ref lostInFlight), Interlocked.Read(ref lostWithShards), Volatile.Read(ref restarts),
                Interlocked.Read(ref abandoned));
        }
    }

    /// <summary>Inserts the batch's items into the next shard. A failed call is counted as lost (and rethrown unless
    /// <see cref="ShardedReplayOptions.ContinueAfterLoss"/>); a shard that lost its silo is configured again first.</summary>
    public async Task InsertAsync(ItemBatch batch, CancellationToken cancellation = default)
    {
        if (!batch.Layout.SameAs(Layout)) throw new ArgumentException($"the batch's layout {batch.Layout} is not the table's {Layout}");
        if (batch.Count == 0) return;
        // A limiter whose insert bound is infinite (MinSize) never blocks an insert: no need to look at the counters.
        if (Options.LimitInserts && double.IsFinite(Options.RateLimiter.MaxDiff))
            await WaitToInsertAsync(batch.Count, cancellation).ConfigureAwait(false);
        var shard = (int)(Interlocked.Increment(ref nextShard) % shards.Length);
        var chunk = ItemChunk.From(batch, producer, Interlocked.Increment(ref nextSequence));
        try
        {
            var receipt = await CallAsync(shard, s => s.Insert(chunk), cancellation).ConfigureAwait(false);
            Acknowledge(shard, receipt);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Add(ref abandoned, chunk.Count); // sent, but whether it landed is unknown; the client stopped
            throw;
        }
        catch (Exception)
        {
            Interlocked.Add(ref lostInFlight, chunk.Count);
            if (!Options.ContinueAfterLoss) throw;
        }
    }

    /// <summary>
    /// A Dataflow target that inserts every batch it receives and disposes it (back to its pool), with at most
    /// <see cref="ShardedReplayOptions.InFlightPerProducer"/> calls in flight and as many batches waiting, so a
    /// producer's <c>SendAsync</c> waits while the cluster is slower than it.
    /// </summary>
    public ITargetBlock<ItemBatch> Writer(CancellationToken cancellation = default) =>
        new ActionBlock<ItemBatch>(async batch =>
        {
            using (batch) await InsertAsync(batch, cancellation).ConfigureAwait(false);
        }, new ExecutionDataflowBlockOptions
        {
            BoundedCapacity = Options.InFlightPerProducer, MaxDegreeOfParallelism = Options.InFlightPerProducer, CancellationToken = cancellation,
        });

    /// <summary>
    /// Fills <paramref name="into"/> with a batch drawn from the whole table (waiting, polling, while the rate limiter
    /// over the summed counters does not allow it); returns the count. Keys are table-wide (<see cref="ShardKeys"/>).
    /// </summary>
    public async Task<int> SampleAsync(SampleBatch into, CancellationToken cancellation = default)
    {
        if (!into.Layout.SameAs(Layout)) throw new ArgumentException($"the batch's layout {into.Layout} is not the table's {Layout}");
        var wanted = into.Capacity;
        DateTime? failingSince = null;
        while (true)
        {
            try
            {
                var statuses = await StatusAsync(cancellation).ConfigureAwait(false);
                var counters = Sum(statuses);
                Interlocked.Exchange(ref lastKnownSize, counters.Size);
                if (Options.RateLimiter.AllowsSample(counters, wanted) && counters.Size > 0)
                    return await DrawAsync(into, statuses, (int)counters.Size, cancellation).ConfigureAwait(false);
                failingSince = null;
            }
            catch (ClusterCallException) when ((DateTime.UtcNow - (failingSince ??= DateTime.UtcNow)) < Options.ShardOutage)
            {
                // A shard's silo died: its grain comes back on another silo once the cluster has declared the silo dead.
            }
            await Task.Delay(Options.SamplePoll ?? TimeSpan.FromMilliseconds(5), cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Sample batches into buffers from <paramref name="pool"/>, <paramref name="batches"/> of them (or until cancelled).</summary>
    public Source<SampleBatch> Samples(BatchPool<SampleBatch> pool, long? batches = null, string name = "sharded replay samples") =>
        Source.From(name, cancellation => Draw(pool, batches, cancellation));

    /// <summary>
    /// Sets priorities by table-wide key, one call per shard; returns how many items were updated. Updates for a shard
    /// that cannot be reached are dropped and counted in <see cref="SkippedPriorityUpdates"/> (its items are gone or
    /// will be restored with their checkpointed priorities).
    /// </summary>
    public async Task<int> UpdatePrioritiesAsync(long[] keys, double[] priorities, CancellationToken cancellation = default)
    {
        if (keys.Length != priorities.Length) throw new ArgumentException($"{keys.Length} keys but {priorities.Length} priorities");
        var calls = keys.Select((k, i) => (Shard: ShardKeys.Shard(k), Local: ShardKeys.Local(k), Priority: priorities[i]))
            .GroupBy(x => x.Shard)
            .Select(async g =>
            {
                try
                {
                    return await CallAsync(g.Key, s => s.UpdatePriorities([.. g.Select(x => x.Local)], [.. g.Select(x => x.Priority)]), cancellation).ConfigureAwait(false);
                }
                catch (ClusterCallException)
                {
                    Interlocked.Add(ref skippedUpdates, g.Count());
                    return 0;
                }
            });
        return (await Task.WhenAll(calls).ConfigureAwait(false)).Sum();
    }

    /// <summary>Priority updates dropped because their shard could not be reached.</summary>
    public long SkippedPriorityUpdates => Interlocked.Read(ref skippedUpdates);

    /// <summary>Every shard's status; a shard found unconfigured (its silo died) is configured again first.</summary>
    public Task<ShardStatus[]> StatusAsync(CancellationToken cancellation = default) =>
        Task.WhenAll(Enumerable.Range(0, shards.Length).Select(async i =>
        {
            var status = await CallAsync(i, s => s.Status(), cancellation).ConfigureAwait(false);
            if (!status.Configured)
            {
                await ConfigureAsync(i).ConfigureAwait(false);
                status = await CallAsync(i, s => s.Status(), cancellation).ConfigureAwait(false);
            }
            Observe(i, status);
            return status;
        }));

    /// <summary>Checkpoints every shard on its silo; returns the files' paths.</summary>
    public async Task<string[]> CheckpointAsync(CancellationToken cancellation = default)
    {
        var written = await Task.WhenAll(Enumerable.Range(0, shards.Length).Select(i => CallAsync(i, s => s.Checkpoint(), cancellation))).ConfigureAwait(false);
        for (var i = 0; i < written.Length; i++)
            lock (state[i])
                if (state[i].Incarnation == written[i].Incarnation) state[i].Covered(written[i].Inserts);
        return [.. written.Select(w => w.Path)];
    }

    /// <summary>Every item held by shard <paramref name="shard"/> with its table-wide key (small tables only).</summary>
    public async Task<(long[] Keys, ItemChunk Items)> ReadShardAsync(int shard)
    {
        var (keys, items) = await CallAsync(shard, s => s.ReadAll(), default).ConfigureAwait(false);
        return ([.. keys.Select(k => ShardKeys.Global(shard, k))], items);
    }

    /// <summary>
    /// Waits until Reverb's insert rule allows <paramref name="count"/> more items, judged on the counters summed over
    /// the shards (refreshed at most every 20 ms) plus what this client has sent since: a cached view, so several
    /// producers may overshoot by their in-flight items, but the actors keep the learner's pace as in one process.
    /// </summary>
    async Task WaitToInsertAsync(int count, CancellationToken cancellation)
    {
        while (true)
        {
            LimiterCounters seen;
            long sentSince;
            lock (insertView)
            {
                seen = insertView.Counters;
                sentSince = insertView.SentSince;
                if (Options.RateLimiter.AllowsInsert(seen with { Inserts = seen.Inserts + sentSince }, count) && insertView.Fresh)
                {
                    insertView.SentSince += count;
                    return;
                }
            }
            if (!insertView.Fresh || insertView.Stale)
            {
                try
                {
                    var counters = Sum(await StatusAsync(cancellation).ConfigureAwait(false));
                    lock (insertView) insertView.Refresh(counters);
                    continue;
                }
                catch (ClusterCallException)
                {
                    // a shard is unreachable: its items are not coming back; judge by the others once it is replaced
                }
            }
            await Task.Delay(Options.SamplePoll ?? TimeSpan.FromMilliseconds(5), cancellation).ConfigureAwait(false);
        }
    }

    async Task<int> DrawAsync(SampleBatch into, ShardStatus[] statuses, int size, CancellationToken cancellation)
    {
        // Shards whose weights are all zero sample uniformly (as one table does); the shard choice then follows sizes.
        var total = statuses.Sum(s => s.WeightTotal);
        var weights = statuses.Select(s => total > 0 ? s.WeightTotal : s.Size).ToArray();
        var sum = weights.Sum();
        var counts = new int[shards.Length];
        lock (random)
            for (var i = 0; i < into.Capacity; i++)
            {
                var u = random.NextDouble() * sum;
                var s = 0;
                while (s < counts.Length - 1 && (u -= weights[s]) >= 0) s++;
                counts[s]++;
            }
        var chunks = await Task.WhenAll(counts.Select(async (c, s) =>
            c == 0 ? null : (SampledChunk?)await CallAsync(s, g => g.Sample(c), cancellation).ConfigureAwait(false))).ConfigureAwait(false);
        var n = 0;
        for (var s = 0; s < chunks.Length; s++)
        {
            if (chunks[s] is not { Count: > 0 } chunk) continue;
            var shardProbability = weights[s] / sum;
            for (var c = 0; c < chunk.Columns.Length; c++) chunk.Columns[c].CopyTo(into.Raw(c, n, chunk.Count));
            for (var i = 0; i < chunk.Count; i++)
            {
                into.Keys[n + i] = ShardKeys.Global(s, chunk.Keys[i]);
                into.Probabilities[n + i] = shardProbability * chunk.Probabilities[i];
                into.TimesSampled[n + i] = chunk.TimesSampled[i];
            }
            n += chunk.Count;
        }
        into.Complete(n, size, Options.ImportanceExponent);
        return n;
    }

    async IAsyncEnumerable<SampleBatch> Draw(BatchPool<SampleBatch> pool, long? batches, [EnumeratorCancellation] CancellationToken cancellation)
    {
        for (var i = 0L; batches is null || i < batches; i++)
        {
            var batch = pool.Rent();
            try
            {
                while (await SampleAsync(batch, cancellation).ConfigureAwait(false) == 0) { }
            }
            catch
            {
                batch.Dispose();
                throw;
            }
            yield return batch;
        }
    }

    static LimiterCounters Sum(ShardStatus[] statuses) =>
        new(statuses.Sum(s => s.Inserts), statuses.Sum(s => s.Samples), statuses.Sum(s => s.Deletes));

    void Acknowledge(int shard, InsertReceipt receipt)
    {
        var s = state[shard];
        lock (s)
        {
            Note(s, s.Observe(receipt.Incarnation, receipt.RestoredInserts, receipt.RestoreFailed, null));
            Interlocked.Add(ref lostWithShards, s.Add(receipt));
        }
    }

    /// <summary>Counts what a newly seen activation of a shard means: a restart, and the items lost with its predecessor.</summary>
    void Note(ShardState s, (bool Restarted, long Lost) seen)
    {
        if (!seen.Restarted) return;
        Interlocked.Increment(ref restarts);
        Interlocked.Add(ref lostWithShards, seen.Lost);
    }

    void Observe(int shard, ShardStatus status)
    {
        var s = state[shard];
        lock (s) Note(s, s.Observe(status.Incarnation, status.RestoredInserts, status.RestoreFailed, status.Silo));
    }

    async Task ConfigureAsync(int shard)
    {
        ShardStatus status;
        try
        {
            status = await shards[shard].Configure(Spec).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException and not InvalidOperationException)
        {
            throw new ClusterCallException(
                $"replay shard '{ShardName(Spec.Table, shard)}' (last on {state[shard].Silo ?? "an unknown silo"}) could not be configured: {e.GetType().Name}: {e.Message}", e);
        }
        Observe(shard, status);
    }

    /// <summary>Calls shard <paramref name="shard"/>; configures it again once if it lost its silo; names the shard on failure.</summary>
    async Task<T> CallAsync<T>(int shard, Func<IReplayShard, Task<T>> call, CancellationToken cancellation)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(shards[shard]).WaitAsync(cancellation).ConfigureAwait(false);
            }
            catch (ShardNotConfiguredException) when (attempt == 0)
            {
                await ConfigureAsync(shard).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not ClusterCallException and not ArgumentException)
            {
                throw new ClusterCallException(
                    $"replay shard '{ShardName(Spec.Table, shard)}' (last on {state[shard].Silo ?? "an unknown silo"}) failed: {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    /// <summary>This client's view of the table's limiter counters, for its inserts.</summary>
    sealed class InsertView
    {
        long refreshed = long.MinValue / 2;
        public LimiterCounters Counters;
        public long SentSince;

        public bool Fresh => refreshed > long.MinValue / 2;

        public bool Stale => Environment.TickCount64 - refreshed > 20;

        public void Refresh(LimiterCounters counters)
        {
            Counters = counters;
            SentSince = 0;
            refreshed = Environment.TickCount64;
        }
    }

    /// <summary>
    /// This client's view of one shard: the activation it last saw, and what it has acknowledged. With a checkpoint
    /// directory, the acknowledged inserts not yet covered by the activation's checkpoint are kept as ranges of the
    /// shard's insert index (what a successor restores is the first RestoredInserts inserts); without one, a dead
    /// activation takes everything this client gave it.
    /// </summary>
    sealed class ShardState(bool trackRanges)
    {
        readonly Queue<(long End, int Count)> uncovered = new();
        readonly HashSet<Guid> past = [];
        Guid previous;
        long intoCurrent, restored;
        public Guid Incarnation;
        public long Acknowledged;
        public string? Silo;

        /// <summary>Sees activation <paramref name="incarnation"/>; a new one after another means a restart, with the
        /// predecessor's acknowledged items beyond what the new one restored lost (all of them when its restore failed).</summary>
        public (bool Restarted, long Lost) Observe(Guid incarnation, long restoredInserts, bool restoreFailed, string? silo)
        {
            if (silo is not null && incarnation == Incarnation) Silo = silo;
            if (incarnation == Incarnation || past.Contains(incarnation)) return (false, 0);
            var first = Incarnation == Guid.Empty;
            var lost = 0L;
            if (!first)
            {
                past.Add(previous = Incarnation);
                lost = restoreFailed ? Acknowledged
                    : trackRanges ? uncovered.Sum(a => Math.Clamp(a.End - restoredInserts, 0, a.Count))
                    : intoCurrent;
                Acknowledged -= lost;
            }
            uncovered.Clear(); // the rest is in the checkpoint the new activation restored, and stays in that file
            (Incarnation, restored, intoCurrent) = (incarnation, restoredInserts, 0);
            if (silo is not null) Silo = silo;
            return (!first, lost);
        }

        /// <summary>Records a receipt; returns the items lost at once (a late receipt from an activation already replaced).</summary>
        public long Add(InsertReceipt receipt)
        {
            if (receipt.Incarnation != Incarnation)
            {
                // A late receipt from a replaced activation: what its successor restored survived, the rest is lost;
                // from an older one still, all of it.
                var lost = receipt.Incarnation == previous && trackRanges
                    ? Math.Clamp(receipt.InsertedByShard - restored, 0, receipt.Accepted) : receipt.Accepted;
                Acknowledged += receipt.Accepted - lost;
                return lost;
            }
            Acknowledged += receipt.Accepted;
            intoCurrent += receipt.Accepted;
            if (trackRanges)
            {
                uncovered.Enqueue((receipt.InsertedByShard, receipt.Accepted));
                Covered(receipt.CheckpointedInserts);
            }
            return 0;
        }

        /// <summary>A checkpoint of the current activation holds its first <paramref name="inserts"/> inserts.</summary>
        public void Covered(long inserts)
        {
            while (uncovered.Count > 0 && uncovered.Peek().End <= inserts) uncovered.Dequeue();
        }
    }
}
