namespace Pipeline.Stages.Graph;

/// <summary>
/// An immutable description of where messages come from. Every run opens it afresh; a source is pulled
/// only as fast as the graph accepts (back-pressure) and stops as soon as the run is stopping.
/// </summary>
public sealed class Source<T>
{
    internal Source(string name, Func<CancellationToken, IAsyncEnumerable<T>> open) => (Name, Open) = (name, open);

    public string Name { get; }

    internal Func<CancellationToken, IAsyncEnumerable<T>> Open { get; }
}

/// <summary>Factories for sources.</summary>
public static class Source
{
    /// <summary>A source over a lazily evaluated sequence; <paramref name="items"/> is called once per run.</summary>
    public static Source<T> From<T>(string name, Func<IEnumerable<T>> items) =>
        new(name, _ => Async(items()));

    public static Source<T> From<T>(string name, Func<CancellationToken, IAsyncEnumerable<T>> items) => new(name, items);

    /// <summary>
    /// The same source, then <paramref name="completed"/> once its last item has been taken (not when the run stops or
    /// fails first): for telling other parts of a graph that this source is done, such as actors that would run forever.
    /// </summary>
    public static Source<T> OnCompleted<T>(this Source<T> source, Func<Task> completed) =>
        new(source.Name, cancellation => Then(source.Open(cancellation), completed));

    static async IAsyncEnumerable<T> Then<T>(IAsyncEnumerable<T> items, Func<Task> completed)
    {
        await foreach (var item in items.ConfigureAwait(false)) yield return item;
        await completed().ConfigureAwait(false);
    }

    /// <summary>The integers from <paramref name="start"/>, <paramref name="count"/> of them.</summary>
    public static Source<long> Range(string name, long start, long count) => From(name, () => Sequence(start, count));

    static IEnumerable<long> Sequence(long start, long count)
    {
        for (var i = 0L; i < count; i++) yield return start + i;
    }

#pragma warning disable CS1998 // a synchronous sequence seen through the async interface
    static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> items)
    {
        foreach (var item in items) yield return item;
    }
#pragma warning restore CS1998
}
