using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;

namespace Pipeline.Recipes.Ngu;

/// <summary>NGU and R2D2 on the exploration environments (NGU section 4.1; bsuite DeepSea).</summary>
public static class NguRecipes
{
    const string Paper = "Badia et al. 2020, Never Give Up: Learning Directed Exploration Strategies (with R2D2, Kapturowski et al. 2019)";

    /// <summary>
    /// Small-scale settings for short episodes on 2 cores: one policy (NGU(N=1), as the Disco Maze experiment), small
    /// networks, one sequence per DeepSea(10) episode (N steps, no burn-in, auxiliary losses on every transition, since
    /// the paper's "last 5 steps" of long Atari sequences would leave the first rows of a short episode untrained),
    /// the Disco Maze learning rate, a short target period. The recipe samples each sequence 0.8 times on average, R2D2's
    /// replay ratio (it was 0.15 while the learner trained on flexible batches, which held about 7 sequences instead of 32).
    /// </summary>
    public static NguConfig DeepSeaDefaults { get; } = new()
    {
        Policies = 1, SequenceLength = 10, ReplayPeriod = 10, BurnIn = 0, NStep = 2, BatchSize = 32,
        TorsoFeatures = 64, Hidden = 64, DuelingHidden = 64, EmbeddingSize = 16, AuxiliarySteps = 9, RndOutputs = 32,
        LearningRate = 1e-3, EmbeddingLearningRate = 1e-3, TargetUpdatePeriod = 25, EpisodicCapacity = 1000,
    };

    /// <summary>
    /// Table 7's Disco Maze values where it gives them (beta 0.5, kernel epsilon 0.01, trace length and period 50, memory
    /// 5000, learning rate 1e-3, target period 100), N = 1. Sequences are the burn-in (10), the 50 trained steps and one
    /// step to bootstrap the last of them from, 61 in all, so that every step of a long episode is trained once (with 50
    /// steps and period 50, 11 of every 50 never were: NguAgent.Problems). Three measured deviations: batch 16 and a second
    /// convolution of stride 2 (a learner update at the paper's sizes takes over a second here), and the value rescaling
    /// h instead of Table 7's identity (which the paper pairs with Retrace): with the identity the heavy-tailed episodic
    /// rewards swamped the TD loss and no agent learned to avoid walls in 600 updates; with h it did (docs/NGU.md).
    /// </summary>
    public static NguConfig DiscoDefaults { get; } = new()
    {
        Policies = 1, IntrinsicScale = 0.5, KernelEpsilon = 0.01, RetraceLambda = 0.97, SequenceLength = 61, ReplayPeriod = 50,
        BurnIn = 10, NStep = 5, BatchSize = 16, TorsoStride = 2, TorsoFeatures = 128, Hidden = 128, DuelingHidden = 128, AuxiliarySteps = 10,
        RndOutputs = 64, LearningRate = 1e-3, EmbeddingLearningRate = 1e-3, TargetUpdatePeriod = 100, EpisodicCapacity = 5000,
    };

    public static IRecipe DeepSea() => new Recipe<NguConfig, NguAgentConfig>(
        "ngu-deepsea",
        "NGU (or --set intrinsic=none for R2D2, intrinsic=random-embedding) on DeepSea(N): reward only at the far corner",
        Paper, DeepSeaDefaults, new NguAgentConfig { Environment = "deep-sea", Size = 10, Copies = 64, SamplesPerInsert = 0.8, EpisodesPerReport = 512, EvaluateEvery = 500 }, 3000, NguAgent.Build)
    {
        RunsOnCluster = true,
        Resolve = NguAgent.WithEnvironmentSpec,
        CrossCheck = NguAgent.Problems,
    };

    public static IRecipe Disco() => new Recipe<NguConfig, NguAgentConfig>(
        "ngu-disco",
        "NGU (or --set intrinsic=none|random-embedding) on the Random Disco Maze: fraction of cells visited per episode",
        Paper, DiscoDefaults, new NguAgentConfig { Environment = "disco-maze", Size = 10, MinReplay = 100, SamplesPerInsert = 0.25, CountDistinctObservations = false, EvaluateEvery = 500 }, 3000, NguAgent.Build)
    {
        RunsOnCluster = true,
        Resolve = NguAgent.WithEnvironmentSpec,
        CrossCheck = NguAgent.Problems,
    };
}
