namespace Pipeline.Algorithms.SaddleFree;

/// <summary>
/// The loss, its gradient or a curvature product is NaN or infinite at the parameters the optimizer was given, before
/// any step: there is no accepted point to fall back to, so the optimizer refuses to move (the parameters are
/// untouched). A non-finite loss at a trial point is not this: that step is rejected and reported.
/// </summary>
public sealed class NonFiniteLossException(string what, double value)
    : Exception($"the {what} is {value} at the current parameters, so no curvature can be taken there and no step made " +
                "(the parameters are left unchanged; check the data, the model and the loss for NaN or overflow)")
{
    public string What { get; } = what;
}
