using System.Globalization;

namespace Pipeline.Stages.Replay;

/// <summary>The element type of a replay column: what the arrays of <see cref="ColumnBlock"/> hold.</summary>
public enum ElementType
{
    Float32,
    Int32,
    UInt8,
}

/// <summary>A named column with a fixed shape per item, e.g. <c>obs</c> float32 [80, 3, 21, 21].</summary>
public sealed class ColumnSpec
{
    public ColumnSpec(string name, ElementType type, params int[] shape)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a column needs a name", nameof(name));
        if (shape.Any(d => d < 1))
            throw new ArgumentException($"column '{name}' has shape [{string.Join(", ", shape)}]; every dimension must be at least 1", nameof(shape));
        (Name, Type, Shape) = (name, type, shape.ToArray());
        Size = shape.Aggregate(1L, (a, d) => a * d) is var size && size <= Array.MaxLength
            ? (int)size
            : throw new ArgumentException($"column '{name}' has {size} elements per item, more than an array holds", nameof(shape));
    }

    public string Name { get; }

    public ElementType Type { get; }

    public IReadOnlyList<int> Shape { get; }

    /// <summary>Elements per item (the product of the shape; 1 for a scalar).</summary>
    public int Size { get; }

    public int ElementBytes => Type switch { ElementType.UInt8 => 1, _ => 4 };

    /// <summary>E.g. <c>obs:float32[80,3,21,21]</c>; checkpoints compare layouts by this text.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}:{Type.ToString().ToLowerInvariant()}[{string.Join(",", Shape)}]");
}

/// <summary>The columns of every item of a table, in order. Columns are addressed by index on hot paths, by name elsewhere.</summary>
public sealed class ItemLayout
{
    readonly Dictionary<string, int> index;

    public ItemLayout(params ColumnSpec[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("an item layout needs at least one column", nameof(columns));
        if (columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            throw new ArgumentException($"column '{duplicate.Key}' appears {duplicate.Count()} times in the layout", nameof(columns));
        Columns = columns.ToArray();
        index = Columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i);
        ItemBytes = Columns.Sum(c => (long)c.Size * c.ElementBytes);
        description = string.Join(";", Columns);
    }

    readonly string description;

    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>Bytes one item occupies in storage (all columns).</summary>
    public long ItemBytes { get; }

    public int IndexOf(string name) =>
        index.TryGetValue(name, out var i) ? i
        : throw new ArgumentException($"no column '{name}' in the layout {this}", nameof(name));

    public bool Contains(string name) => index.ContainsKey(name);

    /// <summary>Two layouts with the same description are interchangeable (same names, types and shapes, in order).</summary>
    public bool SameAs(ItemLayout other) => ReferenceEquals(this, other) || description == other.description;

    public override string ToString() => description;
}
