using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>
/// The life-long novelty of NGU (section 2; Burda et al. 2019): a fixed random target g and a trained predictor,
/// both a torso and a linear layer to <c>outputs</c>; err(x) = ||predictor(x) - g(x)||^2 is high on rarely seen states.
/// </summary>
public sealed class RandomNetworkDistillation : nn.Module<Tensor, Tensor>
{
    readonly Sequential target, predictor;

    public RandomNetworkDistillation(TorsoSpec torsoSpec, int outputs, Device device) : base("rnd")
    {
        target = nn.Sequential(new Torso("target-torso", torsoSpec, device), nn.Linear(torsoSpec.Features, outputs, device: device));
        predictor = nn.Sequential(new Torso("predictor-torso", torsoSpec, device), nn.Linear(torsoSpec.Features, outputs, device: device));
        RegisterComponents();
        foreach (var p in target.parameters()) p.requires_grad = false;
    }

    /// <summary>The predictor's parameters: the only ones trained.</summary>
    public IEnumerable<Parameter> TrainedParameters => predictor.parameters();

    /// <summary>err(x) per row, [N].</summary>
    public override Tensor forward(Tensor observations)
    {
        using var scope = NewDisposeScope();
        Tensor goal;
        using (no_grad()) goal = target.call(observations);
        var difference = predictor.call(observations).sub(goal);
        var error = difference.mul(difference).sum(-1);
        return error.MoveToOuterDisposeScope();
    }
}
