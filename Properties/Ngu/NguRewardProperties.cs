using FsCheck.Xunit;
using Pipeline.Algorithms.Ngu;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>The closed-form parts of NGU and R2D2: value rescaling, the policy family, the episodic reward.</summary>
public class NguRewardProperties
{
    [Property(MaxTest = 300)]
    public bool Value_rescaling_and_its_inverse_compose_to_the_identity(int mantissa, sbyte exponent)
    {
        var z = mantissa / (double)int.MaxValue * Math.Pow(10, exponent % 7);
        var scale = Math.Max(1, Math.Abs(z));
        return Math.Abs(ValueRescaling.Inverse(ValueRescaling.H(z, 1e-3), 1e-3) - z) < 1e-9 * scale
            && Math.Abs(ValueRescaling.H(ValueRescaling.Inverse(z, 1e-2), 1e-2) - z) < 1e-9 * scale;
    }

    [Fact]
    public void Tensor_value_rescaling_matches_the_scalar_formula()
    {
        using var scope = NewDisposeScope();
        double[] values = [-1e4, -12.5, -1, -1e-3, 0, 1e-3, 0.7, 3, 250, 1e5];
        var z = tensor(values, dtype: ScalarType.Float64);
        var h = ValueRescaling.H(z, 1e-3).data<double>().ToArray();
        var back = ValueRescaling.Inverse(ValueRescaling.H(z, 1e-3), 1e-3).data<double>().ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(ValueRescaling.H(values[i], 1e-3), h[i], 12);
            Assert.True(Math.Abs(back[i] - values[i]) < 1e-9 * Math.Max(1, Math.Abs(values[i])), $"h^-1(h({values[i]})) = {back[i]}");
        }
    }

    /// <summary>irm_ngu.md 2.11b: beta_i and gamma_i for N = 32, beta = 0.3, gamma in [0.99, 0.997].</summary>
    [Theory]
    [InlineData(0, 0.0, 0.99700)]
    [InlineData(1, 0.0, 0.99688)]
    [InlineData(8, 0.0028, 0.99591)]
    [InlineData(12, 0.0358, 0.99522)]
    [InlineData(15, 0.1500, 0.99463)]
    [InlineData(16, 0.1982, 0.99442)]
    [InlineData(20, 0.2897, 0.99348)]
    [InlineData(31, 0.3, 0.99000)]
    public void Policy_family_matches_the_papers_schedules(int i, double beta, double gamma)
    {
        Assert.Equal(beta, PolicyFamily.Beta(i, 32, 0.3), 4);
        Assert.Equal(gamma, PolicyFamily.Gamma(i, 32, 0.997, 0.99), 5);
    }

    [Fact]
    public void Every_policy_is_used_by_some_actor()
    {
        var used = Enumerable.Range(0, 64).Select(j => PolicyFamily.PolicyOfActor(j, 32)).Distinct().Count();
        Assert.Equal(32, used);
    }

    [Fact]
    public void Episodic_reward_decreases_as_the_same_embedding_is_revisited()
    {
        var memory = new EpisodicMemory(1000, 4, new EpisodicKernel());
        var random = new Random(3);
        for (var i = 0; i < 20; i++) memory.RewardAndAdd(Enumerable.Range(0, 4).Select(_ => (float)random.NextDouble()).ToArray());
        float[] same = [5, 5, 5, 5];
        var rewards = Enumerable.Range(0, 11).Select(_ => memory.RewardAndAdd(same)).ToArray();
        for (var i = 1; i < rewards.Length; i++) Assert.True(rewards[i] < rewards[i - 1], $"visit {i}: {rewards[i]} is not below {rewards[i - 1]}");
        // Once all k = 10 neighbours are the same point: s = sqrt(10) + c, r = 0.316 (irm_ngu.md 2.11b), and it stays there.
        Assert.Equal(1 / (Math.Sqrt(10) + 0.001), rewards[^1], 9);
        Assert.Equal(rewards[^1], memory.RewardAndAdd(same), 12);
    }

    [Fact]
    public void Episodic_reward_is_zero_on_an_empty_memory_and_near_one_over_c_far_from_it()
    {
        var memory = new EpisodicMemory(100, 2, new EpisodicKernel(Neighbours: 1));
        Assert.Equal(0, memory.RewardAndAdd([0f, 0f]));
        // The first distance sets the running mean, so d_n = 1: K = eps / (1 - xi + eps), r = 1 / (sqrt(K) + c) (Algorithm 1).
        Assert.Equal(1 / (Math.Sqrt(1e-4 / (1 - 0.008 + 1e-4)) + 0.001), memory.RewardAndAdd([1f, 0f]), 9);
        var far = memory.RewardAndAdd([1000f, 0f]);
        Assert.True(far > 100, $"a point far beyond the running mean distance should be novel, got {far}");
        memory.Clear();
        Assert.Equal(0, memory.Count);
        Assert.Equal(0, memory.RewardAndAdd([1000f, 0f]));
    }

    [Fact]
    public void Episodic_memory_is_a_ring_buffer()
    {
        var memory = new EpisodicMemory(3, 1, new EpisodicKernel(Neighbours: 1));
        for (var i = 0; i < 7; i++) memory.RewardAndAdd([i]);
        Assert.Equal(3, memory.Count);
        Assert.Throws<ArgumentException>(() => memory.RewardAndAdd([1f, 2f]));
    }
}
