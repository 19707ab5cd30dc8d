using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Algorithms.Srnn;
using Pipeline.Recipes;
using Pipeline.Runs;
using Pipeline.Stages.Graph;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Srnn;

/// <summary>
/// Training-time ISO as the paper's code does it (iso-refit=per-epoch): batches start from the kept z0, and after each
/// epoch's last step one L-BFGS run refits every training window's z0 jointly.
/// </summary>
public class IsoPerEpochRefitTests
{
    static SymplecticRnnConfig Config => new()
    {
        Dimension = 2, Hidden = 8, Iso = "train-and-test", IsoRefit = "per-epoch", IsoIterations = 2, IsoWindows = 6, EpochSteps = 2, Device = "cpu",
    };

    static Tensor Kept(ModelState<SymplecticRnnConfig, nn.Module> state) =>
        state.Model.named_buffers().Single(b => b.name == "iso_z0").buffer;

    static TrajectoryBatch Batch(Tensor all, long[] windows, bool closesEpoch)
    {
        var rows = tensor(windows);
        return new TrajectoryBatch(all.index_select(1, rows), rows, closesEpoch ? all : null);
    }

    /// <summary>The chunked objective (a joint refit of tens of thousands of windows) gives the whole-batch fit (float64).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_joint_fit_in_chunks_is_the_whole_fit(bool lineSearch)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        using var network = new HamiltonianNetwork(3, 16, g, CPU, ScalarType.Float64);
        var observed = randn([5, 10, 6], dtype: ScalarType.Float64, generator: g);
        var whole = InitialStateOptimisation.Fit(network, observed, 6, Integrator.Leapfrog, 0.1, lineSearch: lineSearch);
        var chunked = InitialStateOptimisation.Fit(network, observed, 6, Integrator.Leapfrog, 0.1, lineSearch: lineSearch, chunk: 3);
        var moved = whole.sub(observed[0]).abs().max().item<double>();
        Assert.True(moved > 1e-3, $"the fit moved z0 by only {moved}");
        var gap = whole.sub(chunked).abs().max().item<double>();
        Assert.True(gap < 1e-10, $"chunked and whole fits differ by {gap}");
    }

    [Fact]
    public void Every_window_is_refitted_jointly_after_the_epochs_last_step_and_batches_start_from_the_fits()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var all = randn([4, 6, 4], generator: g);
        using var state = SymplecticRnn.Init(Config, 5, CPU);
        var kept = Kept(state);

        using (var first = Batch(all, [0, 1, 2], closesEpoch: false))
        {
            var metrics = SymplecticRnn.Update(state, first).Metrics;
            Assert.DoesNotContain(metrics, m => m.Key == "iso_refit_change");
        }
        Assert.True(kept.isnan().all().item<bool>(), "nothing is fitted before the epoch ends");

        Metrics refit;
        using (var second = Batch(all, [3, 4, 5], closesEpoch: true))
            refit = SymplecticRnn.Update(state, second).Metrics;
        // The refit is one joint L-BFGS run from the noisy first observations with the network after the step.
        var expected = InitialStateOptimisation.Fit(SymplecticRnn.Model(state), all, 2, Integrator.Leapfrog, 0.1, all[0], Config.IsoLineSearch);
        Assert.Equal(expected.data<float>().ToArray(), kept.data<float>().ToArray());
        Assert.Equal(expected.sub(all[0]).abs().mean().item<float>(), refit["iso_refit_change"], 5);
        Assert.True(refit["iso_refit_change"] > 0);
        Assert.Equal(InitialStateOptimisation.Loss(SymplecticRnn.Model(state), all[0], all, Integrator.Leapfrog, 0.1), refit["iso_refit_loss_before"], 5);
        Assert.Equal(InitialStateOptimisation.Loss(SymplecticRnn.Model(state), expected, all, Integrator.Leapfrog, 0.1), refit["iso_refit_loss_after"], 5);
        Assert.True(refit["iso_refit_worst_after"] >= refit["iso_refit_loss_after"]);

        // The next epoch's batches start from the kept fits, not from their noisy first states.
        var rows = tensor(new long[] { 0, 1, 2 });
        var states = all.index_select(1, rows);
        float Loss(Tensor start)
        {
            using var enabled = enable_grad();
            return nn.functional.mse_loss(SymplecticRnn.Model(state).Rollout(start, 4, Integrator.Leapfrog, 0.1), states).item<float>();
        }
        var fromKept = Loss(kept.index_select(0, rows));
        var fromObserved = Loss(states[0]);
        using var third = Batch(all, [0, 1, 2], closesEpoch: false);
        var loss = SymplecticRnn.Update(state, third).Metrics["loss"];
        Assert.Equal(fromKept, loss, 5);
        Assert.NotEqual(fromObserved, loss, 3);
    }

    [Fact]
    public void An_epochs_last_batch_without_the_training_set_and_configs_that_cannot_refit_are_refused()
    {
        using var scope = NewDisposeScope();
        using var state = SymplecticRnn.Init(Config, 5, CPU);
        var all = zeros([4, 6, 4]);
        using var first = Batch(all, [0, 1, 2], closesEpoch: false);
        SymplecticRnn.Update(state, first);
        using var second = Batch(all, [3, 4, 5], closesEpoch: false);
        Assert.Contains("TrajectoryBatch.TrainingSet", Assert.Throws<ArgumentException>(() => SymplecticRnn.Update(state, second)).Message);

        foreach (var bad in new[] { Config with { Iso = "test" }, Config with { Training = "single-step" }, Config with { IsoWarmStart = false } })
        {
            var errors = string.Join("; ", bad.Validate().Match(_ => [], e => e.Select(x => x.Message)));
            Assert.Contains("iso-refit=per-epoch", errors);
        }
    }

    /// <summary>The recipe sends the training set with each epoch's last batch, and the kept fits resume exactly.</summary>
    [Fact]
    public void The_chain_recipe_refits_after_every_epoch_and_resumes_exactly()
    {
        static PreparedRun Prepare(long steps) => RecipeRegistry.Find("srnn-chain")!.Prepare(
            ["masses=2", "dimension=2", "hidden=8", "trajectories=12", "batch-size=4", "test-trajectories=2", "observed-states=3", "rollout-states=5", "substeps=2",
                "iso=train-and-test", "iso-refit=per-epoch", "iso-iterations=2", "plateau-patience=0", "eval-every=3", "checkpoint-every=3", "device=cpu"], 2, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));
        static RunOutcome Run(PreparedRun run, RunDirectory directory, bool resume = false) =>
            TrainingRunner.Run(run, directory, resume, false, [], _ => { }).GetAwaiter().GetResult();
        string Folder() => Path.Combine(Directory.CreateTempSubdirectory("srnn-refit-").FullName, "run");

        var whole = Run(Prepare(9), RunDirectory.CreateNew(Folder(), "srnn-chain", 2));
        var metrics = File.ReadAllText(whole.Directory.MetricsJsonl);
        // 12 windows in batches of 4: an epoch is 3 steps, so refits follow steps 3, 6 and 9.
        Assert.Equal(3, metrics.Split("iso_refit_change").Length - 1);
        var folder = Folder();
        Run(Prepare(6), RunDirectory.CreateNew(folder, "srnn-chain", 2));
        var resumed = Run(Prepare(9), RunDirectory.Open(folder), resume: true);
        Assert.Equal(RunStatus.Completed, resumed.Result.Status);
        Assert.Equal(metrics, File.ReadAllText(resumed.Directory.MetricsJsonl));

        // The prepared config is the one that trained (one kept z0 per window), so its checkpoint loads with it, as the
        // reproductions load their Table 2 models; with iso-windows left at 0 the model would lack the buffer.
        var prepared = (SymplecticRnnConfig)Prepare(9).Config;
        Assert.Equal(12, prepared.IsoWindows);
        using var loaded = SymplecticRnn.Load(prepared, whole.Directory.CheckpointStore(3).Latest()!.Payload, CPU);
        Assert.Equal([12L, 4L], Kept(loaded).shape);
    }
}
