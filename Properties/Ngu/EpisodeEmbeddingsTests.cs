using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Ngu;
using Pipeline.Algorithms.Ngu.Networks;
using Pipeline.Stages.Parameters;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>The actors' embedding f changes only at episode starts (NGU Table 6: once per episode).</summary>
public class EpisodeEmbeddingsTests
{
    static readonly NguAgentConfig Agent = new() { Environment = "deep-sea", Size = 4, Copies = 2, ActorGroups = 1, InferenceTimeoutMs = 20, ActorUpdatePeriod = 1 };
    static readonly NguConfig Config = NguAgent.WithEnvironmentSpec(NguLearnerTests.Tiny with { Hidden = 8, LifelongNovelty = false }, Agent);

    static EmbeddingNetwork Network(int seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return SeededInit.PyTorchDefaults(new EmbeddingNetwork(NguNetworks.EmbeddingTorso(Config), Config.Spec.ActionCount, Config.EmbeddingSize, CPU), generator);
    }

    static Tensor Observations(int seed) => randn([3, .. Config.Spec.ObservationShape.Select(d => (long)d)], generator: new Generator((ulong)seed, CPU));

    static void CopyWeights(EmbeddingNetwork target, EmbeddingNetwork source)
    {
        foreach (var (to, from) in target.parameters().Zip(source.parameters())) to.copy_(from);
    }

    static void AssertSame(Tensor expected, Tensor actual, string what) =>
        Assert.True(allclose(expected, actual, rtol: 1e-5, atol: 1e-6),
            $"{what}: [{string.Join(", ", expected.data<float>().ToArray())}] != [{string.Join(", ", actual.data<float>().ToArray())}]");

    [Fact]
    public void A_copy_keeps_its_episodes_embedding_across_refreshes_and_takes_the_new_one_at_its_next_start()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var current = Network(1);
        using var next = Network(2);
        using var embeddings = new EpisodeEmbeddings(current, () => Network(99), copies: 3);
        var x = Observations(7);
        int[] copies = [0, 1, 2];
        embeddings.StartEpisodes(copies, [true, true, true]);
        var before = current.call(x).clone();
        Assert.True(allclose(before, embeddings.Embed(x, copies)));

        embeddings.Refresh(() => CopyWeights(current, next));
        embeddings.StartEpisodes(copies, [false, true, false]); // only copy 1 starts an episode after the refresh
        var after = next.call(x);
        var mixed = embeddings.Embed(x, copies);
        AssertSame(before[0], mixed[0], "copy 0, mid-episode");
        AssertSame(after[1], mixed[1], "copy 1, new episode");
        AssertSame(before[2], mixed[2], "copy 2, mid-episode");
        Assert.False(allclose(before[1], after[1]), "the two versions of f must differ for this test to mean anything");
        Assert.Equal(2, embeddings.LiveVersions);

        // Rows arrive in any order and subset: each follows its own copy.
        var reordered = embeddings.Embed(stack([x[2], x[1]]), [2, 1]);
        AssertSame(before[2], reordered[0], "copy 2 in the first row");
        AssertSame(after[1], reordered[1], "copy 1 in the second row");

        embeddings.StartEpisodes([0, 2], [true, true]);
        Assert.Equal(1, embeddings.LiveVersions);
        AssertSame(after, embeddings.Embed(x, copies), "every copy after its next start");
    }

    [Fact]
    public void With_the_most_versions_live_a_refresh_keeps_f_until_an_old_version_ends()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var current = Network(1);
        using var second = Network(2);
        using var third = Network(3);
        var x = Observations(8);
        var before = current.call(x).clone();
        var loadedOthers = 0;
        void LoadFrom(EmbeddingNetwork source) { loadedOthers++; CopyWeights(current, source); }
        using var embeddings = new EpisodeEmbeddings(current, () => Network(99), copies: 3, maxVersions: 2);
        int[] copies = [0, 1, 2];
        embeddings.StartEpisodes(copies, [true, true, true]);

        embeddings.Refresh(() => LoadFrom(second));
        embeddings.StartEpisodes(copies, [false, true, false]);
        Assert.Equal(2, embeddings.LiveVersions);

        embeddings.Refresh(() => LoadFrom(third)); // a third version would exceed 2: f keeps the second's weights
        Assert.Equal(2, loadedOthers);
        Assert.Equal(1, embeddings.Deferred);
        embeddings.StartEpisodes(copies, [false, false, true]);
        var kept = embeddings.Embed(x, copies);
        AssertSame(before[0], kept[0], "copy 0 on the first f");
        AssertSame(second.call(x)[1], kept[1], "copy 1 on the second f");
        AssertSame(second.call(x)[2], kept[2], "copy 2 started after the deferred refresh: still the second f");
        Assert.Equal(2, embeddings.LiveVersions);

        embeddings.StartEpisodes([0], [true]); // the first f's last episode ends
        Assert.Equal(1, embeddings.LiveVersions);
        embeddings.Refresh(() => LoadFrom(third));
        embeddings.StartEpisodes(copies, [true, false, false]);
        var advanced = embeddings.Embed(x, copies);
        AssertSame(third.call(x)[0], advanced[0], "room again: the next refresh advances f");
        AssertSame(second.call(x)[1], advanced[1], "copy 1 mid-episode keeps the second f");
        Assert.Equal(1, embeddings.Deferred);
    }

    [Fact]
    public async Task A_mid_episode_refresh_leaves_the_episodic_reward_unchanged_until_the_next_episode()
    {
        // Two servers from one seed see the same observations; only the second receives new parameters mid-episode.
        // Without life-long novelty the intrinsic reward is the episodic one, a function of the episode's embeddings only.
        using var quiet = new ParameterStore<ParameterSnapshot>();
        using var refreshed = new ParameterStore<ParameterSnapshot>();
        using var a = new InferenceServer(Config, Agent, quiet, 1, CPU);
        using var b = new InferenceServer(Config, Agent, refreshed, 1, CPU);
        var size = Config.Spec.ObservationSize;
        var rows = new Random(3);
        Func<InferenceRequest> Step(bool start) // each server needs its own request (a request carries its reply)
        {
            var observations = Enumerable.Range(0, 2 * size).Select(_ => (float)rows.NextDouble()).ToArray();
            return () => new InferenceRequest(0, observations, start ? [-1, -1] : [0, 0], [0f, 0f], [start, start]);
        }
        async Task<(float[] A, float[] B)> Both(Func<InferenceRequest> request) =>
            ((await a.ActAsync(request())).Intrinsic, (await b.ActAsync(request())).Intrinsic);

        await Both(Step(true));
        await Both(Step(false));
        using (var generator = new Generator(42, CPU))
        using (var other = new NguNetworks(Config, generator, CPU))
            refreshed.Publish(other.Snapshot(1), 1);
        for (var t = 0; t < 3; t++)
        {
            var (quietReward, refreshedReward) = await Both(Step(false));
            Assert.Equal(quietReward, refreshedReward);
        }
        Assert.Equal(1, b.Version);

        await Both(Step(true));
        var (oldF, newF) = await Both(Step(false));
        Assert.NotEqual(oldF, newF);
    }
}
