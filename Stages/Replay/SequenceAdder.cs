namespace Pipeline.Stages.Replay;

/// <summary>
/// Turns the steps of one actor (one environment copy) into fixed-length sequences (R2D2: length 80, period 40),
/// never crossing an episode end. Write the step's values into <see cref="Floats(int)"/>/<see cref="Ints(int)"/>/
/// <see cref="Bytes(int)"/> and the recurrent state into <see cref="State"/>, then call <see cref="Append"/>.
/// A sequence starts at every multiple of the period within the episode; it is emitted once complete. At an
/// episode end each sequence that started but is not complete is emitted zero-padded, with <c>mask</c> 0 on the
/// padding, so every step lands in the same number of sequences as in the middle of an episode (R2D2 80/40: a
/// 100-step episode gives sequences at 0 (complete), 40 (60 real steps) and 80 (20 real steps)).
/// The last <see cref="SequenceLayout.Length"/> steps live in a ring; nothing is allocated per step.
/// </summary>
public sealed class SequenceAdder
{
    readonly SequenceLayout layout;
    readonly ItemBatchBuilder output;
    readonly ColumnBlock ring;
    readonly float[] states;
    readonly double priority;
    int steps;

    /// <param name="initialPriority">priority of new sequences (R2D2 actors may compute one and set it on the batch instead).</param>
    public SequenceAdder(SequenceLayout layout, ItemBatchBuilder output, double initialPriority = 1.0)
    {
        if (!double.IsFinite(initialPriority) || initialPriority < 0)
            throw new ArgumentOutOfRangeException(nameof(initialPriority), initialPriority, $"initial priority {initialPriority} must be finite and at least 0");
        (this.layout, this.output, priority) = (layout, output, initialPriority);
        ring = new ColumnBlock(layout.Step, layout.Length);
        states = new float[Math.Max(1, layout.StateSize) * layout.Length];
    }

    /// <summary>Steps of the current episode appended so far.</summary>
    public int EpisodeSteps => steps;

    /// <summary>Sequences emitted so far.</summary>
    public long Emitted { get; private set; }

    int Position => steps % layout.Length;

    /// <summary>The next step's values of a float column (write them, then <see cref="Append"/>).</summary>
    public Span<float> Floats(int column) => ring.Item<float>(column, Position);

    public Span<int> Ints(int column) => ring.Item<int>(column, Position);

    public Span<byte> Bytes(int column) => ring.Item<byte>(column, Position);

    internal Span<byte> RawStep(int column) => ring.Raw(column, Position, 1);

    /// <summary>The recurrent state the agent had before this step (stored with a sequence that starts here).</summary>
    public Span<float> State => states.AsSpan(Position * layout.StateSize, layout.StateSize);

    /// <summary>Takes the step written into the spans; returns how many sequences it completed.</summary>
    public int Append(bool endOfEpisode = false)
    {
        steps++;
        var emitted = 0;
        var start = steps - layout.Length;
        if (start >= 0 && start % layout.Period == 0)
        {
            Emit(start, layout.Length);
            emitted++;
        }
        return endOfEpisode ? emitted + EndEpisode() : emitted;
    }

    /// <summary>Ends the episode after the last appended step: emits the padded partial sequences; returns how many.</summary>
    public int EndEpisode()
    {
        var emitted = 0;
        // Starts s = k·period with s < steps < s + length, oldest first.
        var first = Math.Max(0, steps - layout.Length + 1);
        for (var s = (first + layout.Period - 1) / layout.Period * layout.Period; s < steps; s += layout.Period)
        {
            if (s > 0 && steps - s < layout.MinimumTail) continue;
            Emit(s, steps - s);
            emitted++;
        }
        steps = 0;
        return emitted;
    }

    void Emit(int start, int real)
    {
        var item = output.Add(priority);
        var batch = output.Current;
        var length = layout.Length;
        var at = start % length;
        var head = Math.Min(real, length - at);
        for (var c = 0; c < layout.Step.Columns.Count; c++)
        {
            var target = batch.Raw(c, item, 1);
            var stepBytes = target.Length / length;
            ring.Raw(c, at, head).CopyTo(target);
            ring.Raw(c, 0, real - head).CopyTo(target[(head * stepBytes)..]);
            target[(real * stepBytes)..].Clear();
        }
        var mask = batch.Item<float>(layout.Mask, item);
        mask[..real].Fill(1);
        mask[real..].Clear();
        if (layout.StateSize > 0)
            states.AsSpan(at * layout.StateSize, layout.StateSize).CopyTo(batch.Item<float>(layout.State, item));
        Emitted++;
    }
}
