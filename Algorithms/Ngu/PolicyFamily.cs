namespace Pipeline.Algorithms.Ngu;

/// <summary>
/// NGU's family of N policies (section 3, appendix A; irm_ngu.md 2.4): policy i explores with intrinsic scale beta_i
/// and discount gamma_i. beta_0 = 0 is the exploitative policy, beta_{N-1} = beta; in between a sigmoid concentrates the
/// values on the two extremes (a family of one is NGU(N=1): beta and gamma_max). 1 - gamma is evenly spaced in log space from 1 - gamma_max (i = 0) to 1 - gamma_min.
/// </summary>
public static class PolicyFamily
{
    public static double Beta(int i, int count, double beta)
    {
        CheckIndex(i, count);
        // With one policy it is the exploratory one: NGU(N=1) uses beta (Table 1).
        if (count == 1) return beta;
        if (i == 0) return 0;
        if (i == count - 1) return beta;
        var x = 10.0 * (2 * i - (count - 2)) / (count - 2);
        return beta / (1 + Math.Exp(-x));
    }

    public static double Gamma(int i, int count, double gammaMax, double gammaMin)
    {
        CheckIndex(i, count);
        if (count == 1) return gammaMax;
        var logOneMinus = ((count - 1 - i) * Math.Log(1 - gammaMax) + i * Math.Log(1 - gammaMin)) / (count - 1);
        return 1 - Math.Exp(logOneMinus);
    }

    /// <summary>
    /// The policy actor <paramref name="actor"/> follows. The paper prints j mod (N - 1), which would never use beta_{N-1};
    /// we take j mod N, the evident intent (irm_ngu.md 2.12, item 5).
    /// </summary>
    public static int PolicyOfActor(int actor, int count) => actor % count;

    /// <summary>Ape-X/R2D2 per-actor exploration: epsilon_i = base^(1 + alpha i / (n - 1)) (irm_ngu.md 3.4, 3.5).</summary>
    public static double ActorEpsilon(int actor, int actors, double epsilonBase, double alpha) =>
        actors == 1 ? epsilonBase : Math.Pow(epsilonBase, 1 + alpha * actor / (actors - 1));

    static void CheckIndex(int i, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the number of policies must be at least 1");
        if (i < 0 || i >= count) throw new ArgumentOutOfRangeException(nameof(i), i, $"policy index must lie in [0, {count})");
    }
}
