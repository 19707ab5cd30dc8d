namespace Pipeline.Stages.Parameters;

/// <summary>
/// The latest published value of something many readers poll, such as a learner's parameter snapshot read by actors
/// (ARCHITECTURE.md: actor-learner feedback is a store, not a Dataflow cycle). Thread-safe; a replaced value is disposed
/// only when no reader is using it, because readers use it under the store's lock.
/// </summary>
public sealed class ParameterStore<T> : IDisposable where T : class, IDisposable
{
    readonly object gate = new();
    T? latest;
    long version = -1;

    /// <summary>The version of the latest value; -1 before the first.</summary>
    public long Version
    {
        get { lock (gate) return version; }
    }

    /// <summary>Replaces the latest value (the store owns it from now on); versions must increase.</summary>
    public void Publish(T value, long newVersion)
    {
        lock (gate)
        {
            if (newVersion <= version)
            {
                value.Dispose();
                throw new ArgumentOutOfRangeException(nameof(newVersion), newVersion, $"version {newVersion} is not newer than the stored {version}");
            }
            latest?.Dispose();
            (latest, version) = (value, newVersion);
        }
    }

    /// <summary>Calls <paramref name="use"/> with the latest value if it is newer than <paramref name="known"/>; returns the version seen.</summary>
    public long ReadIfNewer(long known, Action<T> use)
    {
        lock (gate)
        {
            if (latest is null || version <= known) return known;
            use(latest);
            return version;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            latest?.Dispose();
            latest = null;
        }
    }
}
