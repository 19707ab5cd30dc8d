using FsCheck.Xunit;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Optim;
using Pipeline.Algorithms.Srnn;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Algorithms;

public class EpochScheduleProperties
{
    /// <summary>
    /// The plateau schedule's learning rate follows TorchSharp's ReduceLROnPlateau ('min', relative threshold) epoch
    /// for epoch on random epoch losses, several steps per epoch (the schedule judges each epoch's mean).
    /// </summary>
    [Property(MaxTest = 30)]
    public bool Plateau_schedule_matches_ReduceLROnPlateau(ushort seed, byte patience, byte stepsPerEpoch)
    {
        var config = new EpochSchedule(1 + patience % 4, 0.7);
        var steps = 1 + stepsPerEpoch % 3;
        var random = new Random(seed);
        var parameter = new TorchSharp.Modules.Parameter(zeros(1));
        using var optimizer = optim.Adam([parameter], 0.1);
        var reference = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor: config.Factor, patience: config.Patience, threshold: config.Threshold);
        var ours = new EpochScheduleState();
        for (var epoch = 0; epoch < 60; epoch++)
        {
            // Losses that mostly stall, sometimes improve: plenty of reductions and resets.
            var losses = Enumerable.Range(0, steps).Select(_ => 1.0 / (1 + epoch / 10) + random.NextDouble() * 0.05).ToArray();
            for (var s = 0; s < steps; s++) ours.Observe(config, losses[s], epochEnds: s == steps - 1);
            reference.step(losses.Average());
            if (Math.Abs(0.1 * ours.Scale - optimizer.ParamGroups.First().LearningRate) > 1e-12) return false;
        }
        return true;
    }

    /// <summary>The decay follows TorchSharp's ExponentialLR epoch for epoch until it reaches the floor, then stays there.</summary>
    [Property(MaxTest = 20)]
    public bool Decay_matches_ExponentialLR_down_to_the_floor(byte decay, byte stepsPerEpoch)
    {
        var schedule = new EpochSchedule(Decay: 0.8 + decay % 13 / 100.0, MinScale: 0.05);
        var steps = 1 + stepsPerEpoch % 3;
        var parameter = new TorchSharp.Modules.Parameter(zeros(1));
        using var optimizer = optim.SGD([parameter], 1.0);
        var reference = optim.lr_scheduler.ExponentialLR(optimizer, schedule.Decay);
        var ours = new EpochScheduleState();
        for (var epoch = 0; epoch < 40; epoch++)
        {
            for (var s = 0; s < steps; s++) ours.Observe(schedule, 1.0, epochEnds: s == steps - 1);
            reference.step();
            var expected = Math.Max(optimizer.ParamGroups.First().LearningRate, schedule.MinScale);
            if (Math.Abs(ours.Scale - expected) > 1e-12) return false;
        }
        return ours.Scale == schedule.MinScale; // decays are at most 0.92, and 0.92^40 < 0.05: the floor is reached
    }

    /// <summary>
    /// An SRNN run with the schedule resumes bit-identically: the schedule's state (scale, best, bad epochs, the
    /// open epoch's partial sum) travels in the checkpoint, and a reduction happens within the run.
    /// </summary>
    [Fact]
    public void Srnn_plateau_state_survives_a_checkpoint()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var batch = new TrajectoryBatch(randn([4, 8, 4], generator: g)); // a learning rate of 1e-8: the loss plateaus at once
        var config = new SymplecticRnnConfig { Dimension = 2, Hidden = 8, LearningRate = 1e-8, PlateauPatience = 1, EpochSteps = 3, Device = "cpu" };
        using var straight = SymplecticRnn.Init(config, 7, CPU);
        using var first = SymplecticRnn.Init(config, 7, CPU);
        for (var i = 0; i < 13; i++) SymplecticRnn.Update(straight, batch);
        for (var i = 0; i < 7; i++) SymplecticRnn.Update(first, batch);
        using var resumed = SymplecticRnn.Load(config, SymplecticRnn.Save(first), CPU);
        for (var i = 7; i < 13; i++) SymplecticRnn.Update(resumed, batch);
        Assert.True(straight.Schedule.Reductions > 0, "the test needs at least one reduction");
        Assert.Equal(straight.Schedule.Scale, resumed.Schedule.Scale);
        Assert.Equal(straight.Schedule.Best, resumed.Schedule.Best);
        Assert.Equal(SymplecticRnn.Save(straight), SymplecticRnn.Save(resumed));
    }

    [Fact]
    public void Plateau_without_epoch_steps_is_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var config = new SymplecticRnnConfig { Dimension = 2, Hidden = 4, PlateauPatience = 3, Device = "cpu" };
        using var state = SymplecticRnn.Init(config, 1, CPU);
        var error = Assert.Throws<ArgumentException>(() => SymplecticRnn.Update(state, new TrajectoryBatch(zeros([3, 2, 4]))));
        Assert.Contains("epoch-steps", error.Message);
    }

    /// <summary>
    /// A checkpoint written before the schedule's entries existed (the same archive without them) still loads, with
    /// the schedule at scale 1, and continues exactly as the state it was written from.
    /// </summary>
    [Fact]
    public void A_checkpoint_without_schedule_entries_loads_with_scale_one()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var batch = new TrajectoryBatch(randn([4, 8, 4], generator: g));
        var config = new SymplecticRnnConfig { Dimension = 2, Hidden = 8, Device = "cpu" };
        using var state = SymplecticRnn.Init(config, 3, CPU);
        SymplecticRnn.Update(state, batch);
        byte[] old;
        using (var archive = new TensorArchiveWriter("srnn/2"))
        {
            // ModelState.Save's layout up to the generator, as checkpoints were written before the schedule.
            archive.AddAll("model", state.Model.parameters()).AddAll("buffers", state.Model.buffers());
            state.Adam.Save(archive);
            archive.Add("generator", state.Generator);
            old = archive.ToArray();
        }
        using var loaded = SymplecticRnn.Load(config, old, CPU);
        Assert.Equal(1.0, loaded.Schedule.Scale);
        var (a, b) = (SymplecticRnn.Update(state, batch).Metrics["loss"], SymplecticRnn.Update(loaded, batch).Metrics["loss"]);
        Assert.Equal(a, b);
        Assert.Equal(SymplecticRnn.Save(state), SymplecticRnn.Save(loaded));
    }
}
