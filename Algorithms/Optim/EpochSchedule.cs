using Pipeline.Algorithms.Core;

namespace Pipeline.Algorithms.Optim;

/// <summary>
/// A learning-rate schedule stepped once per epoch, as the SRNN paper's two: PyTorch's ReduceLROnPlateau ('min' mode,
/// relative <paramref name="Threshold"/>, no cooldown: after more than <paramref name="Patience"/> epochs whose mean
/// loss did not beat the best, multiply by <paramref name="Factor"/>; patience 0 is off) and ExponentialLR
/// (multiply by <paramref name="Decay"/> every epoch; 1 is off), never below <paramref name="MinScale"/>.
/// </summary>
public sealed record EpochSchedule(int Patience = 0, double Factor = 0.7, double Decay = 1, double MinScale = 0, double Threshold = 1e-4)
{
    public bool Enabled => Patience > 0 || Decay < 1;
}

/// <summary>
/// The schedule's mutable part, owned by one training state and checkpointed with it: the learning-rate scale,
/// the best epoch loss so far, the epochs since it, and the running sum of the open epoch's losses.
/// </summary>
public sealed class EpochScheduleState
{
    public double Scale { get; private set; } = 1;
    public double Best { get; private set; } = double.PositiveInfinity;
    public long BadEpochs { get; private set; }
    public long Reductions { get; private set; }
    double epochSum;
    long epochSteps;

    /// <summary>Adds one step's loss to the open epoch; at the epoch's end, judges its mean loss and decays.</summary>
    public void Observe(EpochSchedule schedule, double loss, bool epochEnds)
    {
        if (!schedule.Enabled) return;
        epochSum += loss;
        epochSteps++;
        if (!epochEnds) return;
        var mean = epochSum / epochSteps;
        (epochSum, epochSteps) = (0, 0);
        var scale = Scale * schedule.Decay;
        if (schedule.Patience > 0)
        {
            if (mean < Best * (1 - schedule.Threshold)) (Best, BadEpochs) = (mean, 0);
            else if (++BadEpochs > schedule.Patience)
            {
                scale *= schedule.Factor;
                BadEpochs = 0;
                Reductions++;
            }
        }
        Scale = Math.Max(scale, schedule.MinScale);
    }

    public void Save(TensorArchiveWriter archive, string prefix = "schedule") => archive
        .Add($"{prefix}.scale", BitConverter.DoubleToInt64Bits(Scale))
        .Add($"{prefix}.best", BitConverter.DoubleToInt64Bits(Best))
        .Add($"{prefix}.bad", BadEpochs)
        .Add($"{prefix}.reductions", Reductions)
        .Add($"{prefix}.sum", BitConverter.DoubleToInt64Bits(epochSum))
        .Add($"{prefix}.steps", epochSteps);

    public void Load(TensorArchiveReader archive, string prefix = "schedule")
    {
        Scale = BitConverter.Int64BitsToDouble(archive.ReadLong($"{prefix}.scale"));
        Best = BitConverter.Int64BitsToDouble(archive.ReadLong($"{prefix}.best"));
        BadEpochs = archive.ReadLong($"{prefix}.bad");
        Reductions = archive.ReadLong($"{prefix}.reductions");
        epochSum = BitConverter.Int64BitsToDouble(archive.ReadLong($"{prefix}.sum"));
        epochSteps = archive.ReadLong($"{prefix}.steps");
    }
}
