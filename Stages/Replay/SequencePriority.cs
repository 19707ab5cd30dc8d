namespace Pipeline.Stages.Replay;

/// <summary>R2D2's sequence priority (irm_ngu.md 2.10): p = eta·max_i |delta_i| + (1 − eta)·mean_i |delta_i|, eta = 0.9.</summary>
public static class SequencePriority
{
    public const double R2D2Eta = 0.9;

    public static double Mixed(ReadOnlySpan<double> tdErrors, double eta = R2D2Eta) => Mixed(tdErrors, default, eta);

    /// <param name="mask">1 for real steps, 0 for padding (padding is left out of max and mean); empty = all real.</param>
    public static double Mixed(ReadOnlySpan<double> tdErrors, ReadOnlySpan<float> mask, double eta = R2D2Eta)
    {
        if (!(eta is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(eta), eta, $"eta {eta} must be in [0, 1]");
        if (!mask.IsEmpty && mask.Length != tdErrors.Length)
            throw new ArgumentException($"{tdErrors.Length} TD errors but a mask of {mask.Length}", nameof(mask));
        double max = 0, sum = 0;
        var count = 0;
        for (var i = 0; i < tdErrors.Length; i++)
        {
            if (!mask.IsEmpty && mask[i] == 0) continue;
            var a = Math.Abs(tdErrors[i]);
            if (!double.IsFinite(a)) throw new ArgumentOutOfRangeException(nameof(tdErrors), tdErrors[i], $"TD error {tdErrors[i]} at step {i} is not finite");
            max = Math.Max(max, a);
            sum += a;
            count++;
        }
        return count == 0 ? 0 : eta * max + (1 - eta) * sum / count;
    }
}
