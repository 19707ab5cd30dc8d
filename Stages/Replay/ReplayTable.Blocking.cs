namespace Pipeline.Stages.Replay;

/// <summary>The blocking side of the table: inserts and samples that wait for the rate limiter.</summary>
public sealed partial class ReplayTable
{
    readonly List<TaskCompletionSource> waiters = [];

    /// <summary>
    /// Inserts every item of <paramref name="batch"/>, waiting (without spinning) while the rate limiter forbids
    /// inserts. Items go in as soon as they are allowed, many under one lock acquisition. A wait longer than
    /// <paramref name="timeout"/> without progress throws a <see cref="TimeoutException"/> that states the limiter;
    /// the items inserted before it stay inserted. The batch is not disposed.
    /// </summary>
    public async ValueTask InsertAsync(ItemBatch batch, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        var done = TryInsert(batch);
        while (done < batch.Count)
        {
            Task wake;
            lock (gate)
            {
                var n = InsertLocked(batch, done);
                if (n > 0) WakeAll();
                done += n;
                if (done == batch.Count) return;
                wake = Wait();
            }
            await Blocked(wake, timeout, "inserting", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reverb's SampleFlexibleBatch: waits (at most <paramref name="timeout"/>) until one sample is allowed, then takes
    /// items while the rate limiter allows and the batch has room. Returns the number sampled (at least 1).
    /// With <paramref name="full"/> it waits until the limiter allows the whole batch and always fills it (a learner's
    /// fixed batch size, as the sharded client samples); a limiter whose band can never allow that many is refused.
    /// </summary>
    public async ValueTask<int> SampleAsync(SampleBatch batch, TimeSpan? timeout = null, CancellationToken cancellation = default, bool full = false)
    {
        CheckLayout(batch.Layout);
        if (full) CheckFullBatchesPossible(batch.Capacity);
        while (true)
        {
            Task wake;
            int n, held;
            lock (gate)
            {
                (n, held) = full && !CanSampleWhole(batch.Capacity) ? (0, size) : SelectLocked(batch);
                if (n > 0) WakeAll();
                wake = n > 0 ? Task.CompletedTask : Wait();
            }
            if (n > 0)
            {
                CopyOut(batch, n, held);
                return n;
            }
            await Blocked(wake, timeout, "sampling", cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Whether a whole batch may be drawn now; with MaxTimesSampled the items must last through it.</summary>
    bool CanSampleWhole(int capacity) =>
        limiter.CanSample(capacity) && (Options.MaxTimesSampled > 0 ? size >= capacity : size > 0);

    void CheckFullBatchesPossible(int capacity)
    {
        var limits = Options.RateLimiter;
        if (limits.MaxDiff - limits.MinDiff < capacity)
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"a full batch of {capacity} can never be allowed: the rate limiter's band max_diff - min_diff = {limits.MaxDiff - limits.MinDiff:R} is narrower than the batch ({limits}); widen its error buffer to at least half the batch"));
        if (Options.MaxTimesSampled > 0 && Options.Capacity < capacity)
            throw new ArgumentException($"a full batch of {capacity} can never be drawn from a table of capacity {Options.Capacity} whose items leave after {Options.MaxTimesSampled} sample(s)");
    }

    int PinnedOldest() => size == Options.Capacity && oldest >= 0 && pins[oldest] > 0 ? 1 : 0;

    /// <summary>A task completed at the table's next change; called under the lock.</summary>
    Task Wait()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiters.Add(waiter);
        return waiter.Task;
    }

    /// <summary>Every change may unblock the other side, so all waiters re-check; called under the lock.</summary>
    void WakeAll()
    {
        if (waiters.Count == 0) return;
        foreach (var waiter in waiters) waiter.TrySetResult();
        waiters.Clear();
    }

    async Task Blocked(Task wake, TimeSpan? timeout, string what, CancellationToken cancellation)
    {
        try
        {
            await wake.WaitAsync(timeout ?? Timeout.InfiniteTimeSpan, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            string state;
            int reading;
            lock (gate) (state, reading) = (limiter.Describe(), what == "inserting" ? deferredCount + PinnedOldest() : 0);
            var by = reading > 0 ? $"by the rate limiter or by {reading} slot(s) still being copied out by samplers" : "by the rate limiter";
            throw new TimeoutException($"replay table: {what} was blocked {by} for {timeout}: {state}");
        }
    }
}
