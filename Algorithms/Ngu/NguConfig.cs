using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// Never Give Up (Badia et al. 2020) on an R2D2 learner (Kapturowski et al. 2019): every hyperparameter with its paper
/// default (Table 6 of NGU unless a comment says otherwise; irm_ngu.md 2.1-2.6, 2.10). The paper contradicts itself in
/// places (irm_ngu.md 2.12); the choices made here:
/// kernel epsilon 1e-4 (Table 6, not the text's 1e-3; Disco Maze recipes set Table 7's 0.01);
/// rescaling epsilon 1e-3 (Table 6 and R2D2, not appendix E's 1e-2);
/// priority exponent 0.9 with eta 0.9 (Table 6 and R2D2, not appendix A's "1.0");
/// actor j follows policy j mod N (not the printed j mod (N - 1), which never uses beta_{N-1});
/// burn-in 40 inside the 80 steps (NGU does not restate R2D2's, which comes before its 80), plus one step that only
/// bootstraps, so sequences 40 apart train every step (81);
/// NGU's transformed Retrace targets (appendix E) with a target policy greedy for the online network by default (the
/// paper allows greedy or epsilon-greedy; retrace-target-epsilon sets the latter, with traces min(1, pi/mu) from the
/// behaviour probabilities the actors store); R2D2's n-step double-Q targets with targets=n-step (what the earlier
/// measurements in NGU.md used).
/// The observation shape and action count come from the environment (<see cref="NguSpec"/>).
/// </summary>
public sealed record NguConfig : IConfig<NguConfig>
{
    public const string Learned = "learned", RandomEmbedding = "random-embedding", None = "none";
    public const string Rescaled = "h", Identity = "identity";

    public NguSpec Spec { get; init; } = new([1, 10, 10], 2);

    [Param("intrinsic reward: learned (NGU: inverse-dynamics embedding), random-embedding (a fixed random f, the paper's ablation) or none (plain R2D2)", OneOf = [Learned, RandomEmbedding, None])]
    public string Intrinsic { get; init; } = Learned;

    [Param("multiply the episodic reward by RND's life-long novelty clip(alpha, 1, L) (section 2)")]
    public bool LifelongNovelty { get; init; } = true;

    [Param("number of policies N in the family (beta_i, gamma_i) (2.4)", Min = 1, Max = 256)]
    public int Policies { get; init; } = 32;

    [Param("intrinsic reward scale beta of the most exploratory policy (Table 6)", Min = 0, Max = 100)]
    public double IntrinsicScale { get; init; } = 0.3;

    [Param("discount of the exploitative policy, gamma_0 (2.4)", Min = 0, Max = 0.99999)]
    public double GammaMax { get; init; } = 0.997;

    [Param("discount of the most exploratory policy, gamma_{N-1} (2.4)", Min = 0, Max = 0.99999)]
    public double GammaMin { get; init; } = 0.99;

    [Param("Adam learning rate of the Q-network (Table 6)", Min = 1e-7, Max = 1)]
    public double LearningRate { get; init; } = 1e-4;

    [Param("Adam learning rate of the embedding and RND networks (Table 6)", Min = 1e-7, Max = 1)]
    public double EmbeddingLearningRate { get; init; } = 5e-4;

    [Param("Adam epsilon (Table 6)", Min = 1e-12, Max = 1)]
    public double AdamEpsilon { get; init; } = 1e-4;

    [Param("global gradient-norm clip of every loss (Table 6)", Min = 1e-6)]
    public double ClipNorm { get; init; } = 40;

    [Param("sequences per learner batch (Table 6)", Min = 1, Max = 4096)]
    public int BatchSize { get; init; } = 64;

    // Table 6's trace length 80 with R2D2's burn-in of 40 inside it, plus one step that only bootstraps the last trained
    // step: sequences 40 apart then train every step of a long episode once (NguAgent.Problems refuses gaps).
    [Param("steps per replayed sequence: burn-in, trained steps, and one last step that only bootstraps (Table 6 trace length 80, plus 1)", Min = 2, Max = 10000)]
    public int SequenceLength { get; init; } = 81;

    [Param("steps between the starts of adjacent sequences; overlap = sequence-length - replay-period (Table 6)", Min = 1, Max = 10000)]
    public int ReplayPeriod { get; init; } = 40;

    [Param("leading steps of each sequence that only unroll the LSTM from the stored state (R2D2 section 3)", Min = 0, Max = 10000)]
    public int BurnIn { get; init; } = 40;

    public const string NStepTarget = "n-step", RetraceTarget = "retrace";

    [Param("Q targets: n-step (R2D2's n-step double Q) or retrace (NGU's transformed Retrace, greedy target policy)", OneOf = [NStepTarget, RetraceTarget])]
    public string Targets { get; init; } = RetraceTarget;

    [Param("Retrace's lambda (NGU Table 6: 0.95; Disco Maze, Table 7: 0.97)", Min = 0, Max = 1)]
    public double RetraceLambda { get; init; } = 0.95;

    [Param("epsilon of Retrace's target policy, epsilon-greedy for the online network (appendix E; 0: greedy, the default; the paper's evaluation epsilon is 0.01)", Min = 0, Max = 1)]
    public double RetraceTargetEpsilon { get; init; }

    [Param("n of the n-step double-Q target (R2D2; targets=n-step only)", Min = 1, Max = 100)]
    public int NStep { get; init; } = 5;

    [Param("value rescaling of the targets: h (R2D2) or identity (NGU's Disco Maze, Table 7)", OneOf = [Rescaled, Identity])]
    public string Rescaling { get; init; } = Rescaled;

    [Param("epsilon of h(z) = sign(z)(sqrt(|z|+1) - 1) + eps z (Table 6)", Min = 1e-8, Max = 1)]
    public double RescalingEpsilon { get; init; } = 1e-3;

    [Param("eta of a sequence's priority eta max|td| + (1 - eta) mean|td| (R2D2)", Min = 0, Max = 1)]
    public double PriorityEta { get; init; } = 0.9;

    [Param("learner updates between copies of the online network into the target network (Table 6)", Min = 1)]
    public int TargetUpdatePeriod { get; init; } = 1500;

    [Param("units of the torso's dense output", Min = 1, Max = 8192)]
    public int TorsoFeatures { get; init; } = 256;

    [Param("stride of the second 3x3 convolution of grid torsos (Table 7: 1; 2 quarters the cost)", Min = 1, Max = 8)]
    public int TorsoStride { get; init; } = 1;

    [Param("the Q-network's grid torso also max-pools each filter over the grid (not in the paper: makes local patterns such as adjacent walls position-independent)")]
    public bool QGlobalPool { get; init; }

    [Param("the embedding's grid torso also sees keypoints, the spatial soft-argmax of 16 learnt colours (not in the paper: the agent's position becomes two learnt numbers instead of a weight per cell, which removes inverse dynamics' plateau on the 21 x 21 maze; docs/NGU.md)")]
    public bool EmbeddingKeypoints { get; init; }

    [Param("the embedding's torso is its keypoints alone, without the convolutions and their flattened maps (not in the paper: leaves the embedding nothing but where colours are)")]
    public bool EmbeddingKeypointsOnly { get; init; }

    [Param("starting inverse temperature of the embedding's soft-argmax (with embedding-keypoints or embedding-keypoints-only; see Torso.InitialSharpness)", Min = 1e-3, Max = 1e5)]
    public double EmbeddingKeypointSharpness { get; init; } = Networks.Torso.InitialSharpness;

    [Param("LSTM units (R2D2: 512)", Min = 1, Max = 8192)]
    public int Hidden { get; init; } = 512;

    [Param("units of the hidden layer of each dueling head (R2D2: 512)", Min = 1, Max = 8192)]
    public int DuelingHidden { get; init; } = 512;

    [Param("size of the controllable-state embedding f(x) (appendix B.1)", Min = 1, Max = 4096)]
    public int EmbeddingSize { get; init; } = 32;

    [Param("last steps of each sequence used for the action-prediction and RND losses (appendix A)", Min = 1, Max = 10000)]
    public int AuxiliarySteps { get; init; } = 5;

    [Param("L2 weight of the action-prediction network (Table 6)", Min = 0, Max = 1)]
    public double ActionPredictionL2 { get; init; } = 1e-5;

    [Param("RND output size", Min = 1, Max = 4096)]
    public int RndOutputs { get; init; } = 128;

    [Param("clip L of the life-long multiplier (Table 6)", Min = 1, Max = 1000)]
    public double RndClip { get; init; } = 5;

    [Param("decay of the running mean and deviation of RND's error that normalise alpha (the paper gives no rate)", Min = 0, Max = 0.999999)]
    public double RndMomentsDecay { get; init; } = 0.999;

    [Param("episodic memory capacity, a ring buffer (Table 6)", Min = 1, Max = 10_000_000)]
    public int EpisodicCapacity { get; init; } = 30_000;

    [Param("k nearest neighbours of the episodic kernel (Table 6)", Min = 1, Max = 1000)]
    public int Neighbours { get; init; } = 10;

    [Param("epsilon of the inverse kernel (Table 6; section 2 says 1e-3, Table 7 0.01 for Disco Maze)", Min = 1e-12, Max = 10)]
    public double KernelEpsilon { get; init; } = 1e-4;

    [Param("cluster distance xi (Table 6)", Min = 0, Max = 10)]
    public double ClusterDistance { get; init; } = 0.008;

    [Param("pseudo-count constant c (Table 6)", Min = 1e-12, Max = 10)]
    public double PseudoCount { get; init; } = 0.001;

    [Param("maximum similarity s_m above which the episodic reward is 0 (Table 6)", Min = 0)]
    public double MaxSimilarity { get; init; } = 8;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "cpu";

    public EpisodicKernel Kernel => new(Neighbours, KernelEpsilon, ClusterDistance, PseudoCount, MaxSimilarity);

    public double Beta(int policy) => Intrinsic == None ? 0 : PolicyFamily.Beta(policy, Policies, IntrinsicScale);
    public double Gamma(int policy) => PolicyFamily.Gamma(policy, Policies, GammaMax, GammaMin);

    public Validation<Error, NguConfig> Validate() => ConfigRules.Check(this,
        (BurnIn < SequenceLength, $"burn-in ({BurnIn}) must be less than sequence-length ({SequenceLength}): sequences inside an episode would train no step"),
        (ReplayPeriod <= SequenceLength, $"replay-period ({ReplayPeriod}) must not exceed sequence-length ({SequenceLength}): sequences would skip steps"),
        (AuxiliarySteps < SequenceLength, $"auxiliary-steps ({AuxiliarySteps}) must be less than sequence-length ({SequenceLength})"),
        (RetraceTargetEpsilon == 0 || Targets == RetraceTarget, $"retrace-target-epsilon ({RetraceTargetEpsilon}) needs targets=retrace; n-step targets bootstrap from the greedy action"),
        (GammaMin <= GammaMax, $"gamma-min ({GammaMin}) must not exceed gamma-max ({GammaMax})"),
        (Spec.ActionCount >= 2, $"the environment must have at least 2 actions; it has {Spec.ActionCount}"),
        (Spec.ObservationShape.Length is 1 or 3 && Spec.ObservationShape.All(d => d > 0),
            $"observations must have a positive shape [C, H, W] or [D]; got [{string.Join(", ", Spec.ObservationShape)}]"));
}

/// <summary>
/// What the networks need to know about the environment. <paramref name="ByteObservations"/>: every observation value is
/// k / 255 (the environment says so), so replay keeps observations in bytes, a quarter of float32's memory.
/// </summary>
public sealed record NguSpec(int[] ObservationShape, int ActionCount, bool ByteObservations = false)
{
    public int ObservationSize => ObservationShape.Aggregate(1, (a, b) => a * b);
}
