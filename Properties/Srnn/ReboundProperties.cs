using FsCheck.Xunit;
using Pipeline.Algorithms.Srnn;
using Pipeline.Environments.Physics;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

public class ReboundProperties
{
    /// <summary>The heavy billiard's true Hamiltonian, H = |p|^2 / 2 + g y, with z = [px, py, x, y].</summary>
    static AnalyticHamiltonian Gravity(double g) => new(
        p => p.mul(p).sum(1).div(2), p => p.clone(),
        q => q.narrow(1, 1, 1).squeeze(1).mul(g), q => cat([zeros_like(q.narrow(1, 0, 1)), full_like(q.narrow(1, 1, 1), g)], 1));

    /// <summary>The tensor reflection keeps every row's kinetic energy, undoes itself, and is the identity for n = 0 (eq. 8).</summary>
    [Property(MaxTest = 20)]
    public void Tensor_reflection_preserves_kinetic_energy(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var p = randn([8, 2], dtype: ScalarType.Float64, generator: g).mul(3);
        var raw = randn([8, 2], dtype: ScalarType.Float64, generator: g);
        var n = raw.div(raw.norm(1, keepdim: true));
        var reflected = ReboundLeapfrog.Reflect(p, n);
        Assert.True(reflected.mul(reflected).sum(1).sub(p.mul(p).sum(1)).abs().max().item<double>() < 1e-12);
        Assert.True(ReboundLeapfrog.Reflect(reflected, n).sub(p).abs().max().item<double>() < 1e-12);
        Assert.True(ReboundLeapfrog.Reflect(p, zeros_like(n)).sub(p).abs().max().item<double>() == 0);
    }

    /// <summary>
    /// With the true wall normal and the true collision fraction alpha, the augmented step lands exactly where the
    /// billiard does after bouncing off the right wall under gravity (each leapfrog piece is exact for a linear potential).
    /// </summary>
    [Property(MaxTest = 30)]
    public void Augmented_leapfrog_with_the_true_collision_reproduces_the_bounce(byte a, byte b)
    {
        using var scope = NewDisposeScope();
        var (x, vx, vy, y) = (0.92 + 0.0003 * a, 0.9 + b / 255.0, 0.3 - b / 500.0, 0.5);
        const double dt = 0.1;
        var alpha = (1 - x) / vx / dt;
        Assert.InRange(alpha, 0, 1);
        var (p, q) = ReboundLeapfrog.Step(Gravity(1), tensor(new[,] { { vx, vy } }), tensor(new[,] { { x, y } }), dt,
            tensor(new[,] { { 1.0, 0.0 } }), tensor(new[,] { { alpha } }));
        double[] z = [vx, vy, x, y];
        new HeavyBilliard(1).Advance(z, dt, 1);
        var got = cat([p, q], 1).data<double>().ToArray();
        for (var i = 0; i < 4; i++) Assert.Equal(z[i], got[i], 12);
    }

    /// <summary>With n = 0 the augmented step is the plain leapfrog step, whatever alpha (exact here: the potential is linear).</summary>
    [Property(MaxTest = 20)]
    public void Augmented_leapfrog_without_a_wall_is_plain_leapfrog(ushort seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var p = randn([4, 2], dtype: ScalarType.Float64, generator: g);
        var q = rand([4, 2], dtype: ScalarType.Float64, generator: g);
        var alpha = rand([4, 1], dtype: ScalarType.Float64, generator: g);
        var (pa, qa) = ReboundLeapfrog.Step(Gravity(1), p, q, 0.1, zeros([4, 2], dtype: ScalarType.Float64), alpha);
        var (pl, ql) = Integrate.Step(Gravity(1), Integrator.Leapfrog, p, q, 0.1);
        Assert.True(pa.sub(pl).abs().max().item<double>() < 1e-12 && qa.sub(ql).abs().max().item<double>() < 1e-12);
    }

    [Theory]
    [InlineData("patches")]
    [InlineData("positions")]
    public void The_rebound_model_trains_and_its_rollout_has_the_srnn_layout(string input)
    {
        using var scope = NewDisposeScope();
        var config = new SymplecticRnnConfig { Model = "hnet-rebound", ReboundInput = input, Dimension = 2, Hidden = 8, Dt = 0.1, Device = "cpu" };
        using var g = new Generator(2);
        var states = ReferenceTrajectories.Generate(new HeavyBilliard(), 8, 5, 0.1, 1, g).to_type(ScalarType.Float32);
        var state = SymplecticRnn.Init(config, 2, CPU);
        for (var i = 0; i < 3; i++) state = SymplecticRnn.Update(state, new TrajectoryBatch(states)).State;
        using (state)
        {
            var rollout = SymplecticRnn.Model(state).Rollout(states[0], 7, Integrator.Leapfrog, 0.1);
            Assert.Equal([7L, 8, 4], rollout.shape);
            Assert.True(rollout[0].eq(states[0]).all().item<bool>());
        }
        Assert.Contains("dimension must be 2", Assert.Throws<ArgumentException>(() => SymplecticRnn.Init(config with { Dimension = 3 }, 0, CPU)).Message);
    }

    /// <summary>
    /// With rebound-gate-init the gate starts at that value at every position, near walls too, so the first update
    /// reports it as the mean gate; drawn like the other layers (0) it starts near 0.5. Out-of-range values are refused.
    /// </summary>
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    public void The_rebound_gate_starts_where_it_is_set(double gamma0)
    {
        using var scope = NewDisposeScope();
        var config = new SymplecticRnnConfig { Model = "hnet-rebound", Dimension = 2, Hidden = 8, Dt = 0.1, Device = "cpu" };
        using var g = new Generator(3);
        var states = ReferenceTrajectories.Generate(new HeavyBilliard(), 16, 10, 0.1, 1, g).to_type(ScalarType.Float32);
        double FirstGate(SymplecticRnnConfig c)
        {
            using var state = SymplecticRnn.Init(c, 3, CPU);
            var step = SymplecticRnn.Update(state, new TrajectoryBatch(states));
            return step.Metrics["rebound_gate"];
        }
        Assert.Equal(gamma0, FirstGate(config with { ReboundGateInit = gamma0 }), 6);
        Assert.InRange(FirstGate(config), 0.3, 0.7);
        Assert.True(config.Validate().IsSuccess);
        foreach (var bad in new[] { 1, -0.1 })
            Assert.Contains("rebound-gate-init", string.Join("; ", (config with { ReboundGateInit = bad }).Validate().Match(_ => [], e => e.Select(x => x.Message))));
    }

    /// <summary>
    /// The billiard's wall metric reads an H-NET whose potential is made (nearly) linear, V = a q_x + b q_y through one
    /// tanh unit of tiny weight: with a = 0, b = g it is the truth, so every wall and the middle read 0; a slope across
    /// the box reads -0.48 a at the left wall and +0.48 a at the right, a wrong gravity b reads (b - g)(q - 1/2) at the
    /// floor and the ceiling (float64).
    /// </summary>
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.7, 1.0)]
    [InlineData(0.0, 1.5)]
    [InlineData(-0.3, 0.4)]
    public void The_wall_potential_of_a_linear_potential_is_its_departure_from_gravity(double a, double b)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        using var h = new HamiltonianNetwork(2, 1, g, CPU, ScalarType.Float64);
        const double tiny = 1e-5;
        using (no_grad())
        {
            var potential = h.named_parameters().Where(x => x.name.StartsWith("potential", StringComparison.Ordinal)).ToDictionary(x => x.name, x => x.parameter);
            potential["potential.0.weight"].copy_(tensor(new[] { a * tiny, b * tiny }, [1, 2], dtype: ScalarType.Float64));
            potential["potential.0.bias"].zero_();
            potential["potential.2.weight"].fill_(1 / tiny);
            potential["potential.2.bias"].fill_(3.0);
        }
        const double gravity = 1.0;
        var wall = Pipeline.Recipes.Srnn.BilliardPotential.Measure(h, gravity);
        const double inset = Pipeline.Recipes.Srnn.BilliardPotential.WallInset;
        Assert.Equal(a * (inset - 0.5), wall.Left, 1e-6);
        Assert.Equal(a * (0.5 - inset), wall.Right, 1e-6);
        Assert.Equal((b - gravity) * (inset - 0.5), wall.Floor, 1e-6);
        Assert.Equal((b - gravity) * (0.5 - inset), wall.Ceiling, 1e-6);
        Assert.Equal(0.3 * Math.Max(Math.Abs(a), Math.Abs(b - gravity)), wall.Middle, 1e-6);
    }

    /// <summary>The background image: 12 px walls of 1 around a 104 x 104 interior of 0 (App. A.3).</summary>
    [Fact]
    public void The_billiard_image_has_twelve_pixel_walls_around_the_interior()
    {
        using var image = new BilliardImage(CPU, ScalarType.Float64);
        Assert.Equal(128.0 * 128 - 104 * 104, image.Image.sum().item<double>());
        Assert.Equal(0.0, image.Image[TensorIndex.Slice(12, 116), TensorIndex.Slice(12, 116)].sum().item<double>());
        Assert.Equal(1.0, image.Image[11, 64].item<double>());
        Assert.Equal(1.0, image.Image[64, 116].item<double>());
    }

    /// <summary>
    /// Patches by nearest pixel: empty in the middle of the box; at the left wall (x = 0) the 5 leftmost columns are
    /// wall; at the ceiling (y = 1, row 12) the 5 top rows; beyond the image all wall; a 2 x 2 patch just inside the
    /// floor is free and one just below it is wall. No gradient reaches the position through a patch.
    /// </summary>
    [Fact]
    public void Patches_read_the_walls_around_a_position()
    {
        using var scope = NewDisposeScope();
        using var image = new BilliardImage(CPU, ScalarType.Float64);
        var q = tensor(new[,] { { 0.5, 0.5 }, { 0.0, 0.5 }, { 0.5, 1.0 }, { -1.0, 2.0 } }, requires_grad: true);
        var patches = image.Patches(q, 10).view(4, 10, 10);
        Assert.Equal(0.0, patches[0].sum().item<double>());
        var leftColumns = Enumerable.Range(0, 10).Select(c => patches[1, TensorIndex.Colon, c].sum().item<double>()).ToArray();
        Assert.Equal([10.0, 10, 10, 10, 10, 0, 0, 0, 0, 0], leftColumns);
        var topRows = Enumerable.Range(0, 10).Select(r => patches[2, r].sum().item<double>()).ToArray();
        Assert.Equal([10.0, 10, 10, 10, 10, 0, 0, 0, 0, 0], topRows);
        Assert.Equal(100.0, patches[3].sum().item<double>());
        Assert.False(patches.requires_grad);
        var floor = image.Patches(tensor(new[,] { { 0.5, 1.5 / 104 }, { 0.5, -1.5 / 104 } }), 2);
        Assert.Equal([0.0, 4.0], floor.sum(1).data<double>().ToArray());
        Assert.Contains("B x 2", Assert.Throws<ArgumentException>(() => image.Patches(zeros(3, 4, dtype: ScalarType.Float64), 2)).Message);
    }
}
