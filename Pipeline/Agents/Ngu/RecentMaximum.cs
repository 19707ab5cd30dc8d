namespace Pipeline.Agents.Ngu;

/// <summary>The maximum of the last <c>window</c> values added (1 before any); thread-safe.</summary>
public sealed class RecentMaximum(int window)
{
    readonly Queue<double> values = new();
    readonly object gate = new();

    public double Value
    {
        get
        {
            lock (gate) return values.Count == 0 ? 1 : values.Max();
        }
    }

    public void Add(double value)
    {
        lock (gate)
        {
            values.Enqueue(value);
            if (values.Count > window) values.Dequeue();
        }
    }
}
