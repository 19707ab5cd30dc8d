using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>A table that cannot fit in memory is refused when it is created, not hours later by the kernel.</summary>
public class TableOptionsTests
{
    [Fact]
    public void A_table_larger_than_memory_is_refused_naming_its_capacity_and_size()
    {
        // 64 columns of 16 MiB: 1 GiB per item, and one item more than memory holds.
        var layout = new ItemLayout(Enumerable.Range(0, 64).Select(i => new ColumnSpec($"c{i}", ElementType.UInt8, 1 << 24)).ToArray());
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var capacity = (int)(available / layout.ItemBytes) + 1;
        var options = new TableOptions(layout, capacity, Sampler.Uniform, RateLimiterOptions.MinSize(1));
        Assert.True(options.StorageBytes > available);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayTable(options));
        Assert.Contains($"table capacity {capacity} items of 1,073,741,824 bytes", error.Message);
        Assert.Contains("lower the capacity", error.Message);
    }
}
