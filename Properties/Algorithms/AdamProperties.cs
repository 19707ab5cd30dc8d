using FsCheck.Xunit;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Properties.Algorithms;

public class AdamProperties
{
    /// <summary>The functional Adam matches torch.optim.Adam step for step (float64) on a random quadratic.</summary>
    [Property(MaxTest = 20)]
    public bool Functional_Adam_matches_torch_optim_Adam(ushort seed, byte size, byte steps)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var n = 1 + size % 20;
        var target = randn([n], dtype: ScalarType.Float64, generator: generator);
        var start = randn([n], dtype: ScalarType.Float64, generator: generator);
        var ours = start.clone().requires_grad_();
        var theirs = new TorchSharp.Modules.Parameter(start.clone());
        var config = new AdamConfig(LearningRate: 0.05, Beta1: 0.8, Beta2: 0.95, Epsilon: 1e-8);
        using var reference = optim.Adam([theirs], config.LearningRate, config.Beta1, config.Beta2, config.Epsilon);
        using var state = Adam.Init([ours]);
        for (var i = 0; i < 1 + steps % 15; i++)
        {
            ours.grad = null;
            ours.sub(target).pow(2).sum().backward();
            Adam.Update(config, state, [ours]);
            reference.zero_grad();
            theirs.sub(target).pow(2).sum().backward();
            reference.step();
        }
        return allclose(ours, theirs, rtol: 1e-12, atol: 1e-12);
    }
}
