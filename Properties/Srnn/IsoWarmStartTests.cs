using Pipeline.Algorithms.Srnn;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>Training-time ISO with the paper's warm starts: each training window keeps its fitted z0 between epochs.</summary>
public class IsoWarmStartTests
{
    static SymplecticRnnConfig Config(bool warm) => new()
    {
        Dimension = 2, Hidden = 8, Iso = "train-and-test", IsoIterations = 1, IsoWindows = 6, IsoWarmStart = warm, Device = "cpu",
    };

    static TrajectoryBatch Batch(int seed)
    {
        using var g = new Generator((ulong)seed);
        return new TrajectoryBatch(randn([4, 3, 4], generator: g), tensor(new long[] { 1, 4, 5 }));
    }

    static Tensor Table(Pipeline.Algorithms.Optim.ModelState<SymplecticRnnConfig, nn.Module> state) =>
        state.Model.named_buffers().Single(b => b.name == "iso_z0").buffer;

    [Fact]
    public void Each_window_keeps_its_fit_and_the_next_fit_starts_there()
    {
        using var scope = NewDisposeScope();
        using var warm = SymplecticRnn.Init(Config(warm: true), 5, CPU);
        using var cold = SymplecticRnn.Init(Config(warm: false), 5, CPU);
        using var batch = Batch(2);
        // First fits start from the noisy observations either way: the same step.
        Assert.Equal(SymplecticRnn.Update(cold, batch).Metrics["loss"], SymplecticRnn.Update(warm, batch).Metrics["loss"]);
        var table = Table(warm);
        var fitted = table.isnan().any(1).logical_not().data<bool>().ToArray();
        Assert.Equal([false, true, false, false, true, true], fitted);
        var first = table.index_select(0, batch.Windows!).clone();
        // The second fits start from the kept ones in the warm state only (one L-BFGS iteration each, far from
        // converged, so where a fit starts shows), and the steps part.
        Assert.NotEqual(SymplecticRnn.Update(cold, batch).Metrics["loss"], SymplecticRnn.Update(warm, batch).Metrics["loss"]);
        Assert.True(table.index_select(0, batch.Windows!).sub(first).abs().max().item<float>() > 0, "the kept starts were refitted");
        Assert.Empty(cold.Model.named_buffers());
    }

    [Fact]
    public void The_kept_starts_travel_in_the_checkpoint()
    {
        using var scope = NewDisposeScope();
        using var batch = Batch(3);
        using var a = SymplecticRnn.Init(Config(warm: true), 7, CPU);
        SymplecticRnn.Update(a, batch);
        using var b = SymplecticRnn.Load(Config(warm: true), SymplecticRnn.Save(a), CPU);
        Assert.Equal(SymplecticRnn.Update(a, batch).Metrics["loss"], SymplecticRnn.Update(b, batch).Metrics["loss"]);
        Assert.Equal(SymplecticRnn.Save(a), SymplecticRnn.Save(b));
    }

    [Fact]
    public void A_window_index_beyond_the_kept_starts_is_refused_by_range()
    {
        using var scope = NewDisposeScope();
        using var state = SymplecticRnn.Init(Config(warm: true), 1, CPU);
        using var batch = new TrajectoryBatch(zeros([4, 2, 4]), tensor(new long[] { 0, 6 }));
        var error = Assert.Throws<ArgumentException>(() => SymplecticRnn.Update(state, batch));
        Assert.Contains("[0, 6) (iso-windows), got 0 to 6", error.Message);
    }
}
