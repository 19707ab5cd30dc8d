using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;

namespace Pipeline.Environments.Control;

/// <summary>
/// Mountain Car with gym's dynamics and constants (Sutton and Barto 1998, example 10.1; gym MountainCar-v0):
/// v += (a - 1) 0.001 - 0.0025 cos(3 x), v clipped to [-0.07, 0.07], x += v clipped to [-1.2, 0.6] (v = 0 at the left
/// wall), start x ~ U[-0.6, -0.4], v = 0; actions push left, none, right. The reward is sparse: 1 on reaching
/// x &gt;= 0.5 (which ends the episode), 0 otherwise. Observation [2]: (x + 0.3) / 0.9 and v / 0.07, both in [-1, 1].
/// VisitedFraction: the part of the track [-1.2, 0.6] the car covered in the episode.
/// </summary>
public sealed class SparseMountainCar : VectorEnvironment
{
    /// <summary>Actions: 0 push left, 1 no push, 2 push right.</summary>
    public const int PushLeft = 0, NoPush = 1, PushRight = 2;

    public const double MinPosition = -1.2, MaxPosition = 0.6, MaxSpeed = 0.07, GoalPosition = 0.5, Force = 0.001, Gravity = 0.0025;

    readonly SparseMountainCarConfig config;
    readonly double[] position, velocity, lowest, highest;
    readonly bool[] reached;

    public SparseMountainCar(SparseMountainCarConfig config, int count, int firstCopy = 0)
        : base("sparse-mountain-car", count, firstCopy, 3, Shape(config))
    {
        this.config = config;
        (position, velocity, lowest, highest) = (new double[count], new double[count], new double[count], new double[count]);
        reached = new bool[count];
    }

    static int[] Shape(SparseMountainCarConfig config)
    {
        config.Check();
        return [2];
    }

    /// <summary>Copy <paramref name="copy"/>'s unnormalised state.</summary>
    public (double Position, double Velocity) State(int copy)
    {
        CheckCopy(copy);
        return (position[copy], velocity[copy]);
    }

    protected override int EpisodeLimit => config.MaxSteps;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void StartEpisode(int copy, ref ulong stream)
    {
        var x = -0.6 + 0.2 * SplitMix.Unit(ref stream);
        (position[copy], velocity[copy], lowest[copy], highest[copy], reached[copy]) = (x, 0, x, x, false);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (double Reward, bool Terminated) Advance(int copy, int action, ref ulong stream)
    {
        var x = position[copy];
        var v = Math.Clamp(velocity[copy] + (action - 1) * Force - Gravity * Math.Cos(3 * x), -MaxSpeed, MaxSpeed);
        x = Math.Clamp(x + v, MinPosition, MaxPosition);
        if (x == MinPosition && v < 0) v = 0;
        (position[copy], velocity[copy]) = (x, v);
        (lowest[copy], highest[copy]) = (Math.Min(lowest[copy], x), Math.Max(highest[copy], x));
        if (x < GoalPosition) return (0, false);
        reached[copy] = true;
        return (1, true);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Observe(int copy, Span<float> observation)
    {
        observation[0] = (float)((position[copy] + 0.3) / 0.9);
        observation[1] = (float)(velocity[copy] / MaxSpeed);
    }

    protected override double VisitedFraction(int copy) => (highest[copy] - lowest[copy]) / (MaxPosition - MinPosition);

    protected override bool Solved(int copy) => reached[copy];

    /// <summary>One line: the track with the car 'o' and the goal '|', then x and v.</summary>
    public override string RenderText(int copy)
    {
        CheckCopy(copy);
        const int width = 61;
        var line = new StringBuilder(new string('_', width));
        line[Column(GoalPosition, width)] = '|';
        line[Column(position[copy], width)] = 'o';
        return line.Append(string.Create(CultureInfo.InvariantCulture, $"  x = {position[copy]:F3}  v = {velocity[copy]:+0.0000;-0.0000}")).ToString();
    }

    static int Column(double x, int width) => (int)Math.Round((x - MinPosition) / (MaxPosition - MinPosition) * (width - 1));

    /// <summary>The hill y = sin(3x) in black, the goal line green, the car a red square; 300 x 150 pixels.</summary>
    public override RgbFrame RenderFrame(int copy)
    {
        CheckCopy(copy);
        const int width = 300, height = 150;
        var frame = RgbFrame.Filled(width, height, new Colour(255, 255, 255));
        int Row(double x) => (int)Math.Round((1 - Math.Sin(3 * x)) / 2 * (height - 30)) + 20;
        for (var column = 0; column < width; column++)
            frame.Fill(column, Row(MinPosition + column * (MaxPosition - MinPosition) / (width - 1)), 1, 2, new Colour(0, 0, 0));
        var goal = Column(GoalPosition, width);
        frame.Fill(goal, Row(GoalPosition) - 18, 2, 18, new Colour(20, 160, 40));
        var car = Column(position[copy], width);
        frame.Fill(car - 5, Row(position[copy]) - 10, 10, 10, new Colour(210, 30, 30));
        return frame;
    }
}
