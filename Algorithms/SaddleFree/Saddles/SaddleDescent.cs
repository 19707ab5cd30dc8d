using Pipeline.Algorithms.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.SaddleFree.Saddles;

/// <summary>A point on a saddle problem and the optimizer moving it. Consumed by every update.</summary>
public sealed class SaddleDescentState(SaddleDescentConfig config, int seed, SaddleProblem problem, Tensor theta, ClosureOptimizer optimizer) : IDisposable
{
    public SaddleDescentConfig Config { get; } = config;
    /// <summary>The problem's data and the start are drawn from this seed, so a checkpoint keeps it.</summary>
    public int Seed { get; } = seed;
    public SaddleProblem Problem { get; } = problem;
    /// <summary>theta, a float64 leaf the optimizer moves in place.</summary>
    public Tensor Theta { get; } = theta;
    public ClosureOptimizer Optimizer { get; } = optimizer;
    public long Steps { get; internal set; }

    public void Dispose()
    {
        Problem.Dispose();
        Theta.Dispose();
        Optimizer.Dispose();
    }
}

/// <summary>
/// Gradient descent, damped Newton, exact and Krylov saddle-free Newton and the Hessian-free form on a function with
/// a saddle (Dauphin et al. 2014, sections 4-6; seq.md 3.7). The batch is the step number: the problems are
/// deterministic. Each update reports, after the optimizer's own metrics, the trajectory: the loss at the new
/// point (<c>objective</c>), the distance to the saddle and the exact lambda_min of the Hessian there (n small).
/// </summary>
public sealed class SaddleDescent : IAlgorithm<SaddleDescentConfig, SaddleDescentState, long>
{
    const string Kind = "saddle-descent/1";

    public static SaddleDescentState Init(SaddleDescentConfig config, int seed, Device device)
    {
        using var random = new Generator((ulong)seed);
        var problem = SaddleProblem.Create(config.Problem, random);
        var theta = problem.Start(config.Perturbation, random).requires_grad_();
        return new SaddleDescentState(config, seed, problem, theta, ClosureOptimizer.Create(config, [theta], seed));
    }

    public static Step<SaddleDescentState> Update(SaddleDescentState state, long step)
    {
        var metrics = state.Optimizer.Step(() => state.Problem.Loss(state.Theta));
        state.Steps++;
        return new Step<SaddleDescentState>(state, Metrics.Of([.. Trajectory(state), .. metrics.Select(m => (m.Key, m.Value))]));
    }

    /// <summary>objective, distance to the saddle, exact lambda_min, and for 2-D problems the point (x, y).</summary>
    public static (string, double)[] Trajectory(SaddleDescentState state)
    {
        using var scope = NewDisposeScope();
        var products = HessianVectorProducts.At([state.Theta], () => state.Problem.Loss(state.Theta));
        var lambdaMin = linalg.eigvalsh(CurvatureModels.Hessian(products, state.Problem.Dimension)).min().item<double>();
        var theta = state.Theta.detach();
        var values = new List<(string, double)>
        {
            ("objective", products.Loss),
            ("distance", theta.sub(state.Problem.Saddle()).norm().item<double>()),
            ("lambda_min", lambdaMin),
        };
        if (state.Problem.Dimension == 2)
        {
            var xy = theta.data<double>().ToArray();
            values.Add(("x", xy[0]));
            values.Add(("y", xy[1]));
        }
        return [.. values];
    }

    public static byte[] Save(SaddleDescentState state)
    {
        using var archive = new TensorArchiveWriter(Kind);
        archive.Add("seed", state.Seed).Add("steps", state.Steps).Add("theta", state.Theta);
        state.Optimizer.Save(archive);
        return archive.ToArray();
    }

    public static SaddleDescentState Load(SaddleDescentConfig config, byte[] payload, Device device)
    {
        using var archive = new TensorArchiveReader(payload, Kind);
        var state = Init(config, (int)archive.ReadLong("seed"), device);
        try
        {
            state.Steps = archive.ReadLong("steps");
            archive.ReadInto("theta", state.Theta);
            state.Optimizer.Load(archive);
            return state;
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
