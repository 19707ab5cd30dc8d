using System.Runtime.InteropServices;

namespace Pipeline.Stages.Replay;

/// <summary>
/// Room for <see cref="Capacity"/> items of a layout: one preallocated array per column, item i of column c
/// at elements [i * size, (i + 1) * size). Table storage, insert batches and sample batches are all blocks,
/// so every copy between them is one span copy per column.
/// </summary>
public class ColumnBlock
{
    readonly Array[] arrays;

    public ColumnBlock(ItemLayout layout, int capacity)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "room for at least one item");
        (Layout, Capacity) = (layout, capacity);
        arrays = layout.Columns.Select(c =>
        {
            var length = (long)c.Size * capacity;
            if (length > Array.MaxLength)
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                    $"column '{c.Name}' would need {length} elements for {capacity} items, more than one array holds");
            return c.Type switch
            {
                ElementType.Float32 => (Array)new float[length],
                ElementType.Int32 => new int[length],
                _ => new byte[length],
            };
        }).ToArray();
    }

    public ItemLayout Layout { get; }

    public int Capacity { get; }

    public float[] Floats(int column) => Typed<float>(column, ElementType.Float32);

    public int[] Ints(int column) => Typed<int>(column, ElementType.Int32);

    public byte[] Bytes(int column) => Typed<byte>(column, ElementType.UInt8);

    public float[] Floats(string column) => Floats(Layout.IndexOf(column));

    public int[] Ints(string column) => Ints(Layout.IndexOf(column));

    public byte[] Bytes(string column) => Bytes(Layout.IndexOf(column));

    /// <summary>Item <paramref name="item"/>'s elements of a column, typed (T must match the column's element type).</summary>
    public Span<T> Item<T>(int column, int item) where T : struct
    {
        var size = Layout.Columns[column].Size;
        return Typed<T>(column, TypeOf<T>()).AsSpan(item * size, size);
    }

    /// <summary>The bytes of <paramref name="count"/> consecutive items of a column (for copying items over a wire).</summary>
    public Span<byte> Raw(int column, int firstItem, int count)
    {
        var size = Layout.Columns[column].Size;
        return arrays[column] switch
        {
            float[] f => MemoryMarshal.AsBytes(f.AsSpan(firstItem * size, count * size)),
            int[] n => MemoryMarshal.AsBytes(n.AsSpan(firstItem * size, count * size)),
            byte[] b => b.AsSpan(firstItem * size, count * size),
            _ => throw new InvalidOperationException("unknown column array"),
        };
    }

    /// <summary>Copies item <paramref name="from"/> of <paramref name="source"/> into item <paramref name="to"/> of this block.</summary>
    internal void CopyItem(ColumnBlock source, int from, int to) => CopyItems(source, from, to, 1, streaming: false);

    /// <summary>
    /// Copies <paramref name="count"/> consecutive items of <paramref name="source"/> from <paramref name="from"/> into
    /// consecutive items of this block from <paramref name="to"/>: one copy per column, with streaming stores when
    /// <paramref name="streaming"/> (see <see cref="StreamingCopy"/>).
    /// </summary>
    internal void CopyItems(ColumnBlock source, int from, int to, int count, bool streaming)
    {
        for (var c = 0; c < arrays.Length; c++)
        {
            if (streaming) StreamingCopy.Copy(source.Raw(c, from, count), Raw(c, to, count));
            else source.Raw(c, from, count).CopyTo(Raw(c, to, count));
        }
    }

    T[] Typed<T>(int column, ElementType expected)
    {
        var spec = Layout.Columns[column];
        return spec.Type == expected ? (T[])arrays[column]
            : throw new InvalidOperationException($"column '{spec.Name}' holds {spec.Type}, not {expected}");
    }

    static ElementType TypeOf<T>() =>
        typeof(T) == typeof(float) ? ElementType.Float32
        : typeof(T) == typeof(int) ? ElementType.Int32
        : typeof(T) == typeof(byte) ? ElementType.UInt8
        : throw new InvalidOperationException($"{typeof(T).Name} is not a replay element type (float, int, byte)");
}
