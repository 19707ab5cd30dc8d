using Pipeline.Algorithms.Core;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Gan;

/// <summary>Small gradient helpers shared by the adversarial algorithms.</summary>
public static class Gradients
{
    /// <summary>Clears the gradients of <paramref name="module"/>'s parameters.</summary>
    public static void Clear(nn.Module module)
    {
        foreach (var p in module.parameters()) p.grad = null;
    }

    /// <summary>The L2 norm of all parameter gradients of <paramref name="module"/> together (0 if none).</summary>
    public static double Norm(nn.Module module)
    {
        using var scope = NewDisposeScope();
        var squares = module.parameters().Where(p => p.grad is not null).Select(p => ScalarFree.Square(p.grad!.to_type(ScalarType.Float64)).sum()).ToList();
        return squares.Count == 0 ? 0 : stack(squares).sum().sqrt().item<double>();
    }

    /// <summary>Turns gradient tracking of a module's parameters off (while the other player steps) and back on.</summary>
    public static void Track(nn.Module module, bool on)
    {
        foreach (var p in module.parameters()) p.requires_grad_(on);
    }

    /// <summary>
    /// One generator step of WGAN and WGAN-GP: descend -mean D(G(z)) on a fresh noise batch with the critic frozen.
    /// Returns the loss and the generator's gradient norm; counts the generator step.
    /// </summary>
    public static (double Loss, double GradNorm) WassersteinGeneratorStep(AdversarialState state)
    {
        using var scope = NewDisposeScope();
        Track(state.Critic, false);
        var loss = state.Critic.call(state.Generator.call(state.Noise(state.Config.BatchSize))).mean().neg();
        Clear(state.Generator);
        loss.backward();
        var norm = Norm(state.Generator);
        state.GeneratorOptimizer.Step();
        Track(state.Critic, true);
        state.GeneratorSteps++;
        return (loss.item<float>(), norm);
    }
}
