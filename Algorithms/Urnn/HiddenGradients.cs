using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// The paper's exploration of vanishing gradients (uRNN section 5.4): the norm of the cost's gradient with respect
/// to each hidden state, ‖∂C/∂h_t‖ for t = 1..T, on one batch. Flat in t for a unitary recurrence at
/// initialisation; decaying exponentially for the others.
/// </summary>
public static class HiddenGradients
{
    /// <returns>‖∂C/∂h_t‖ (Frobenius over the batch; real and imaginary parts for the uRNN) for t = 1..T.</returns>
    public static double[] Norms(nn.Module<Tensor, Tensor> network, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        var (outputs, states) = network switch
        {
            UnitaryRnn u => u.Unroll(batch.Inputs),
            GatedRnn g => g.Unroll(batch.Inputs),
            _ => throw new ArgumentException($"{network.GetType().Name} does not expose its hidden states", nameof(network)),
        };
        var (loss, _) = SequenceLearner.LossOf(outputs, batch);
        var gradients = autograd.grad([loss], states.ToList(), allow_unused: true);
        return gradients.Select(g => g is null ? 0 : g.abs().square().sum().sqrt().to_type(ScalarType.Float64).item<double>()).ToArray();
    }
}
