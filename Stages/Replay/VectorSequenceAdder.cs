namespace Pipeline.Stages.Replay;

/// <summary>
/// Sequence adders for <c>count</c> environment copies stepped together (a vectorized environment), sharing one
/// output. Copy i's steps never mix with copy j's; each copy has its own episodes.
/// </summary>
public sealed class VectorSequenceAdder
{
    readonly SequenceAdder[] adders;
    readonly SequenceLayout layout;

    public VectorSequenceAdder(SequenceLayout layout, int count, ItemBatchBuilder output, double initialPriority = 1.0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"{count} environment copies; at least 1");
        this.layout = layout;
        adders = Enumerable.Range(0, count).Select(_ => new SequenceAdder(layout, output, initialPriority)).ToArray();
    }

    public int Count => adders.Length;

    public SequenceAdder this[int copy] => adders[copy];

    /// <summary>
    /// Appends one step of every copy: item i of <paramref name="steps"/> (the step layout) is copy i's step,
    /// <paramref name="states"/> holds the copies' recurrent states one after another, <paramref name="ends"/>[i] marks
    /// copy i's episode end. Returns the number of sequences completed.
    /// </summary>
    public int Append(ColumnBlock steps, ReadOnlySpan<float> states, ReadOnlySpan<bool> ends)
    {
        if (!steps.Layout.SameAs(layout.Step) || steps.Capacity < adders.Length || ends.Length != adders.Length
            || states.Length != layout.StateSize * adders.Length)
            throw new ArgumentException($"a vector step needs {adders.Length} items of {layout.Step}, {layout.StateSize * adders.Length} state floats and {adders.Length} episode flags; " +
                                        $"got {steps.Capacity} items of {steps.Layout}, {states.Length} floats and {ends.Length} flags");
        var emitted = 0;
        for (var i = 0; i < adders.Length; i++)
        {
            var adder = adders[i];
            for (var c = 0; c < layout.Step.Columns.Count; c++) steps.Raw(c, i, 1).CopyTo(adder.RawStep(c));
            states.Slice(i * layout.StateSize, layout.StateSize).CopyTo(adder.State);
            emitted += adder.Append(ends[i]);
        }
        return emitted;
    }
}
