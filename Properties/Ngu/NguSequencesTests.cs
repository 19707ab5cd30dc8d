using Pipeline.Agents.Ngu;
using Pipeline.Algorithms.Ngu;
using Pipeline.Environments.Control;
using Pipeline.Stages.Replay;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>Steps written by an actor come back from replay as the learner's tensors, unchanged and in place.</summary>
public class NguSequencesTests
{
    [Fact]
    public void A_stored_sequence_reaches_the_learner_step_by_step()
    {
        var config = NguLearnerTests.Tiny with { Spec = new NguSpec([1, 2, 3], 3), SequenceLength = 4, ReplayPeriod = 4, BurnIn = 0, Hidden = 2 };
        var layout = NguSequences.Layout(config);
        var pool = BatchPool.Items(layout.Items, 1);
        var output = new ItemBatchBuilder(pool);
        var adder = new SequenceAdder(layout, output);
        for (var t = 0; t < 3; t++)
        {
            var observation = adder.Floats(NguSequences.Observation);
            for (var i = 0; i < observation.Length; i++) observation[i] = 100 * t + i;
            adder.Ints(NguSequences.PreviousAction)[0] = t - 1;
            adder.Floats(NguSequences.PreviousExtrinsic)[0] = 10 + t;
            adder.Floats(NguSequences.PreviousIntrinsic)[0] = 20 + t;
            adder.Ints(NguSequences.Action)[0] = t;
            adder.Floats(NguSequences.Extrinsic)[0] = 30 + t;
            adder.Floats(NguSequences.Intrinsic)[0] = 40 + t;
            adder.Floats(NguSequences.Terminal)[0] = t == 2 ? 1 : 0;
            adder.Ints(NguSequences.Policy)[0] = 1;
            adder.Floats(NguSequences.Behaviour)[0] = 0.5f + t / 8f;
            float[] state = [t, t + 0.5f, -t, -t - 0.5f];
            state.CopyTo(adder.State);
            adder.Append(endOfEpisode: t == 2);
        }
        using var scope = NewDisposeScope();
        using var tensors = ThroughReplay(config, layout, output);
        Assert.Equal([1L, 4, 1, 2, 3], tensors.Observations.shape);
        Assert.Equal(205f, tensors.Observations[0, 2, 0, 1, 2].item<float>());
        Assert.Equal([-1L, 0, 1, 0], tensors.PreviousActions[0].data<long>().ToArray());
        Assert.Equal([0L, 1, 2, 0], tensors.Actions[0].data<long>().ToArray());
        Assert.Equal([30f, 31, 32, 0], tensors.Extrinsic[0].data<float>().ToArray());
        Assert.Equal([40f, 41, 42, 0], tensors.Intrinsic[0].data<float>().ToArray());
        Assert.Equal([10f, 11, 12, 0], tensors.PreviousExtrinsic[0].data<float>().ToArray());
        Assert.Equal([20f, 21, 22, 0], tensors.PreviousIntrinsic[0].data<float>().ToArray());
        Assert.Equal([0f, 0, 1, 0], tensors.Terminal[0].data<float>().ToArray());
        Assert.Equal([1f, 1, 1, 0], tensors.Mask[0].data<float>().ToArray());
        Assert.Equal(1L, tensors.Policies[0].item<long>());
        Assert.Equal([0f, 0.5f], tensors.InitialH[0].data<float>().ToArray());
        Assert.Equal([0f, -0.5f], tensors.InitialC[0].data<float>().ToArray());
        Assert.Equal(1f, tensors.Weights[0].item<float>());
        Assert.Equal([0.5f, 0.625f, 0.75f, 0], tensors.Behaviour!.data<float>().ToArray());
    }

    /// <summary>
    /// Byte observations (an environment whose values are k / 255) come back as exactly the floats the environment wrote:
    /// every one of the 256 levels, compared bit for bit, so actors and the learner see the same inputs.
    /// </summary>
    /// <summary>A tail that starts mid-episode and holds only burn-in steps would train nothing: the agent does not store it.</summary>
    [Fact]
    public void Tails_of_burn_in_steps_only_are_not_stored()
    {
        var config = NguLearnerTests.Tiny with { SequenceLength = 8, ReplayPeriod = 4, BurnIn = 2 };
        var layout = NguSequences.Layout(config);
        Assert.Equal(3, layout.MinimumTail);
        var output = new ItemBatchBuilder(BatchPool.Items(layout.Items, 8));
        var adder = new SequenceAdder(layout, output);
        int Episode(int steps) => Enumerable.Range(0, steps).Sum(t => adder.Append(endOfEpisode: t == steps - 1));
        Assert.Equal(2, Episode(10)); // [0, 8) and [4, 10); the tail [8, 10) is burn-in only
        Assert.Equal(3, Episode(11)); // the tail [8, 11) keeps one step after its burn-in
    }

    [Fact]
    public void Byte_observations_reach_the_learner_as_the_environments_floats()
    {
        var config = NguLearnerTests.Tiny with { Spec = new NguSpec([1, 16, 16], 3, ByteObservations: true), SequenceLength = 2, ReplayPeriod = 2, BurnIn = 0, Hidden = 2 };
        var layout = NguSequences.Layout(config);
        Assert.Equal(ElementType.UInt8, layout.Items.Columns[NguSequences.Observation].Type);
        var pool = BatchPool.Items(layout.Items, 1);
        var output = new ItemBatchBuilder(pool);
        var adder = new SequenceAdder(layout, output);
        var written = Enumerable.Range(0, 256).Select(k => (255 - k) / 255f).ToArray();
        for (var t = 0; t < 2; t++)
        {
            ObservationBytes.Encode(written, adder.Bytes(NguSequences.Observation));
            adder.Append(endOfEpisode: t == 1);
        }
        using var scope = NewDisposeScope();
        using var tensors = ThroughReplay(config, layout, output);
        Assert.Equal(ScalarType.Float32, tensors.Observations.dtype);
        var read = tensors.Observations[0, 1].data<float>().ToArray();
        Assert.Equal(written.Select(BitConverter.SingleToInt32Bits), read.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>The adder's one sequence inserted into a table, sampled back and turned into the learner's tensors.</summary>
    static SequenceBatch ThroughReplay(NguConfig config, SequenceLayout layout, ItemBatchBuilder output)
    {
        var table = new ReplayTable(new TableOptions(layout.Items, 10, Sampler.Uniform, RateLimiterOptions.MinSize(1)));
        using (var batch = output.TakeFull() ?? output.TakeRest()!) table.TryInsert(batch);
        using var sample = BatchPool.Samples(layout.Items, 1).Rent();
        Assert.Equal(1, table.TrySample(sample));
        return NguSequences.ToBatch(config, layout, sample, CPU);
    }
}
