using Pipeline.Algorithms.Ngu.Networks;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The embedding f each actor copy uses for its current episode. NGU refreshes the actors' f once per episode (Table 6:
/// "embeddings target update period: once/episode"), so an episodic memory only ever compares embeddings made by one f.
/// The other networks refresh every few batches; when they do, the outgoing f is kept as a frozen copy for as long as an
/// episode that started under it runs. A copy adopts the newest f at its next episode start.
/// One forward pass per live version, over only the rows that use it. At most <see cref="MaxVersions"/> versions live:
/// when a refresh would make one more, f keeps its weights (the other networks still refresh) until an old version's
/// last episode ends, so the actors' f lags the learner's by at most about one episode, as the paper's once per episode.
/// </summary>
public sealed class EpisodeEmbeddings : IDisposable
{
    readonly EmbeddingNetwork current;
    readonly Func<EmbeddingNetwork> build;
    readonly Dictionary<long, EmbeddingNetwork> frozen = [];
    readonly Stack<EmbeddingNetwork> spare = new();
    readonly long[] versionOf;
    long currentVersion;

    /// <param name="current">the f that refreshes with the other networks.</param>
    /// <param name="build">makes a network of f's shape (its weights are overwritten).</param>
    /// <param name="copies">copies served; each starts on the current f, version 0.</param>
    /// <param name="maxVersions">versions of f that may be live at once (each costs a forward pass per batch).</param>
    public EpisodeEmbeddings(EmbeddingNetwork current, Func<EmbeddingNetwork> build, int copies, int maxVersions = DefaultMaxVersions)
    {
        if (maxVersions < 1) throw new ArgumentOutOfRangeException(nameof(maxVersions), maxVersions, "at least one version of f must be live");
        (this.current, this.build, MaxVersions) = (current, build, maxVersions);
        versionOf = new long[copies];
    }

    /// <summary>Four passes cost the Disco Maze's server about 17% (docs/PERFORMANCE.md); its episodes rarely need more.</summary>
    public const int DefaultMaxVersions = 4;

    public int MaxVersions { get; }

    /// <summary>Refreshes that kept f's weights because <see cref="MaxVersions"/> were live.</summary>
    public long Deferred { get; private set; }

    /// <summary>Versions of f some episode still uses (the current one included if any copy is on it).</summary>
    public int LiveVersions => versionOf.Distinct().Count();

    /// <summary>Runs <paramref name="load"/>, which overwrites the current f (and the other networks); copies mid-episode on
    /// the outgoing f keep a frozen copy of it, or, with <see cref="MaxVersions"/> live, f keeps its weights.</summary>
    public void Refresh(Action load)
    {
        if (Array.IndexOf(versionOf, currentVersion) >= 0)
        {
            if (frozen.Count + 1 >= MaxVersions)
            {
                // No room for one more version: the other networks refresh, f keeps its weights.
                var kept = Copy(current);
                load();
                CopyInto(current, kept);
                spare.Push(kept);
                Deferred++;
                return;
            }
            frozen[currentVersion] = Copy(current);
        }
        load();
        currentVersion++;
    }

    /// <summary>Copies whose episode starts at this step take the current f; frozen versions no episode uses are freed.</summary>
    public void StartEpisodes(int[] copies, bool[] starts)
    {
        for (var i = 0; i < copies.Length; i++)
            if (starts[i]) versionOf[copies[i]] = currentVersion;
        foreach (var version in frozen.Keys.Where(v => Array.IndexOf(versionOf, v) < 0).ToArray())
        {
            spare.Push(frozen[version]);
            frozen.Remove(version);
        }
    }

    /// <summary>f(x) for each row, with the version row i's copy <paramref name="copies"/>[i] uses: [rows, EmbeddingSize].</summary>
    public Tensor Embed(Tensor x, int[] copies)
    {
        var versions = copies.Select(c => versionOf[c]).ToArray();
        if (versions.All(v => v == currentVersion)) return current.call(x);
        var result = empty(x.shape[0], current.EmbeddingSize, device: x.device);
        foreach (var version in versions.Distinct())
        {
            var rows = tensor(Enumerable.Range(0, versions.Length).Where(i => versions[i] == version).Select(i => (long)i).ToArray(), device: x.device);
            var network = version == currentVersion ? current : frozen[version];
            result.index_copy_(0, rows, network.call(x.index_select(0, rows)));
        }
        return result;
    }

    EmbeddingNetwork Copy(EmbeddingNetwork source)
    {
        var copy = spare.Count > 0 ? spare.Pop() : build();
        CopyInto(copy, source);
        return copy;
    }

    static void CopyInto(EmbeddingNetwork target, EmbeddingNetwork source)
    {
        using var _ = no_grad();
        foreach (var (to, from) in target.parameters().Zip(source.parameters())) to.copy_(from);
    }

    public void Dispose()
    {
        foreach (var network in frozen.Values.Concat(spare)) network.Dispose();
        frozen.Clear();
        spare.Clear();
    }
}
