using Pipeline.Environments.Control;

namespace Pipeline.Properties.Control;

/// <summary>The buffers of one vector environment, for driving it from tests.</summary>
sealed class Batch
{
    public Batch(IVectorEnvironment environment, ulong seed)
    {
        Environment = environment;
        Observations = new float[environment.Count * environment.ObservationSize];
        (Rewards, Terminated, Truncated) = (new float[environment.Count], new bool[environment.Count], new bool[environment.Count]);
        Finished = new List<EpisodeSummary>(1 << 16);
        environment.Reset(seed, Observations);
    }

    public IVectorEnvironment Environment { get; }
    public float[] Observations { get; }
    public float[] Rewards { get; }
    public bool[] Terminated { get; }
    public bool[] Truncated { get; }
    public List<EpisodeSummary> Finished { get; }

    public void Step(params int[] actions) => Environment.Step(actions, Observations, Rewards, Terminated, Truncated, Finished);

    public float[] Observation(int copy) => Observations.AsSpan(copy * Environment.ObservationSize, Environment.ObservationSize).ToArray();
}
