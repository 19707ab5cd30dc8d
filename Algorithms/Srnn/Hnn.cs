using LanguageExt;
using LanguageExt.Common;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// Hamiltonian Neural Networks (Greydanus, Dzamba, Yosinski 2019; seq.md 2.6), the SRNN paper's anchor: an MLP
/// 2 -> 200 -> 200 -> out (tanh, orthogonal weights, no last-layer bias) trained on observed states to predict the true time derivatives (MSE), Adam 1e-3 with
/// weight decay 1e-4, full batch. HNN: one scalar output F with (dq/dt, dp/dt) = (dF/dp, -dF/dq); baseline: the
/// derivatives directly.
/// </summary>
public sealed record HnnConfig : IConfig<HnnConfig>
{
    [Param("model: hnn (a learned Hamiltonian) or baseline (the MLP predicts the derivatives)", OneOf = ["hnn", "baseline"])]
    public string Model { get; init; } = "hnn";

    [Param("hidden units of each of the two hidden layers (HNN: 200)", Min = 1, Max = 16384)]
    public int Hidden { get; init; } = 200;

    [Param("Adam learning rate (HNN: 1e-3)", Min = 1e-8, Max = 1)]
    public double LearningRate { get; init; } = 1e-3;

    [Param("L2 weight decay added to the gradient, as torch Adam's weight_decay (HNN: 1e-4)", Min = 0, Max = 1)]
    public double WeightDecay { get; init; } = 1e-4;

    [Param("tensor device", OneOf = ["auto", "cpu", "cuda"])]
    public string Device { get; init; } = "auto";

    public Validation<Error, HnnConfig> Validate() => ConfigRules.Check(this);
}

/// <summary>Observed states z = [p, q] (N x 2) and their true time derivatives [dp/dt, dq/dt] (N x 2).</summary>
public sealed record DerivativeBatch(Tensor States, Tensor Derivatives) : IDisposable
{
    public void Dispose()
    {
        States.Dispose();
        Derivatives.Dispose();
    }
}

/// <summary>The HNN's network: a vector field of the 1-D state, Hamiltonian (HNN) or unconstrained (baseline).</summary>
public sealed class HnnNetwork : nn.Module<Tensor, Tensor>, IDynamics
{
    readonly Sequential mlp;
    readonly bool hamiltonian;

    public HnnNetwork(bool hamiltonian, int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32) : base(hamiltonian ? "hnn" : "baseline")
    {
        this.hamiltonian = hamiltonian;
        mlp = Mlp(hamiltonian ? 1 : 2, hidden, generator, device, dtype);
        RegisterComponents();
    }

    /// <summary>
    /// The HNN code's MLP (nn_models.py): 2 -> hidden -> hidden -> outputs, tanh, every weight matrix orthogonal
    /// (torch.nn.init.orthogonal_), hidden biases PyTorch's default U(+-1/sqrt(fan in)), and no bias on the last layer.
    /// </summary>
    static Sequential Mlp(int outputs, int hidden, Generator generator, Device device, ScalarType dtype)
    {
        var mlp = nn.Sequential(
            nn.Linear(2, hidden, device: device, dtype: dtype), nn.Tanh(),
            nn.Linear(hidden, hidden, device: device, dtype: dtype), nn.Tanh(),
            nn.Linear(hidden, outputs, hasBias: false, device: device, dtype: dtype));
        using var _ = no_grad();
        foreach (var linear in mlp.children().OfType<Linear>())
        {
            Orthogonal(linear.weight!, generator);
            var bound = 1 / Math.Sqrt(linear.in_features);
            linear.bias?.uniform_(-bound, bound, generator);
        }
        return mlp;
    }

    /// <summary>torch.nn.init.orthogonal_ (gain 1) from an explicit generator: Q of a Gaussian matrix's QR, signs fixed by diag(R).</summary>
    internal static void Orthogonal(Tensor weight, Generator generator)
    {
        using var scope = NewDisposeScope();
        var (rows, columns) = (weight.shape[0], weight.shape[1]);
        var gaussian = randn(Math.Max(rows, columns), Math.Min(rows, columns), dtype: weight.dtype, device: weight.device, generator: generator);
        var (q, r) = linalg.qr(gaussian);
        q = q.mul(r.diagonal().sign());
        weight.copy_(rows < columns ? q.t() : q);
    }

    /// <summary>[dp/dt, dq/dt] at z = [p, q] (N x 2).</summary>
    public override Tensor forward(Tensor z)
    {
        if (!hamiltonian) return mlp.call(z);
        var input = z.requires_grad ? z : z.detach().requires_grad_();
        var gradient = autograd.grad([mlp.call(input).sum()], [input], retain_graph: true, create_graph: true)[0];
        // dF/d[p, q] = [dF/dp, dF/dq]; Hamilton: dp/dt = -dF/dq, dq/dt = dF/dp.
        return cat([gradient.narrow(1, 1, 1).neg(), gradient.narrow(1, 0, 1)], 1);
    }

    /// <summary>The learned scalar F(p, q) (HNN only), N.</summary>
    public Tensor Energy(Tensor z) => hamiltonian ? mlp.call(z).squeeze(1) : throw new InvalidOperationException("the baseline has no energy function");

    public Tensor Dp(Tensor p, Tensor q) => forward(cat([p, q], 1)).narrow(1, 0, 1);

    public Tensor Dq(Tensor p, Tensor q) => forward(cat([p, q], 1)).narrow(1, 1, 1);
}

public sealed class Hnn : IAlgorithm<HnnConfig, ModelState<HnnConfig, HnnNetwork>, DerivativeBatch>
{
    const string Kind = "hnn/2"; // 2: orthogonal weights and no last-layer bias, as the HNN code

    public static ModelState<HnnConfig, HnnNetwork> Init(HnnConfig config, int seed, Device device)
    {
        var random = new Generator((ulong)seed, device);
        return ModelState<HnnConfig, HnnNetwork>.Create(config, new HnnNetwork(config.Model == "hnn", config.Hidden, random, device), random);
    }

    public static Step<ModelState<HnnConfig, HnnNetwork>> Update(ModelState<HnnConfig, HnnNetwork> state, DerivativeBatch batch)
    {
        using var scope = NewDisposeScope();
        var parameters = state.Model.parameters().ToList();
        foreach (var p in parameters) p.grad = null;
        var loss = nn.functional.mse_loss(state.Model.call(batch.States), batch.Derivatives);
        loss.backward();
        // Parameters without a gradient are skipped (none here since the HNN code drops the output bias, which F's derivatives ignore).
        using (no_grad())
            foreach (var p in parameters) p.grad?.add_(p, alpha: Scalars.Of(state.Config.WeightDecay));
        Optim.Adam.Update(new AdamConfig(state.Config.LearningRate), state.Adam, parameters);
        return new Step<ModelState<HnnConfig, HnnNetwork>>(state, Metrics.Of(("loss", loss.item<float>())));
    }

    /// <summary>The derivative MSE on held-out states (the HNN README's "test loss").</summary>
    public static double TestLoss(ModelState<HnnConfig, HnnNetwork> state, DerivativeBatch test)
    {
        using var scope = NewDisposeScope();
        return nn.functional.mse_loss(state.Model.call(test.States), test.Derivatives).item<float>();
    }

    public static byte[] Save(ModelState<HnnConfig, HnnNetwork> state) => state.Save(Kind);

    public static ModelState<HnnConfig, HnnNetwork> Load(HnnConfig config, byte[] payload, Device device) =>
        Init(config, 0, device).Load(Kind, payload);
}
