using Pipeline.Algorithms.Ngu.Networks;
using static TorchSharp.torch;

namespace Pipeline.Agents.Ngu;

/// <summary>
/// The embedding f each actor copy uses for its current episode. NGU refreshes the actors' f once per episode (Table 6:
/// "embeddings target update period: once/episode"), so an episodic memory only ever compares embeddings made by one f.
/// The other networks refresh every few batches; when they do, the outgoing f is kept as a frozen copy for as long as an
/// episode that started under it runs. A copy adopts the newest f at its next episode start.
/// One forward pass per live version, over only the rows that use it (usually one or two versions).
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
    public EpisodeEmbeddings(EmbeddingNetwork current, Func<EmbeddingNetwork> build, int copies)
    {
        (this.current, this.build) = (current, build);
        versionOf = new long[copies];
    }

    /// <summary>Versions of f some episode still uses (the current one included if any copy is on it).</summary>
    public int LiveVersions => versionOf.Distinct().Count();

    /// <summary>The version of f copy <paramref name="copy"/>'s episode uses: how many refreshes came before it.</summary>
    public long VersionOf(int copy) => versionOf[copy];

    /// <summary>Runs <paramref name="load"/>, which overwrites the current f; copies mid-episode on the outgoing f keep a
    /// frozen copy of it.</summary>
    public void Refresh(Action load)
    {
        if (Array.IndexOf(versionOf, currentVersion) >= 0) frozen[currentVersion] = Copy(current);
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
        using var _ = no_grad();
        foreach (var (to, from) in copy.parameters().Zip(source.parameters())) to.copy_(from);
        return copy;
    }

    public void Dispose()
    {
        foreach (var network in frozen.Values.Concat(spare)) network.Dispose();
        frozen.Clear();
        spare.Clear();
    }
}
