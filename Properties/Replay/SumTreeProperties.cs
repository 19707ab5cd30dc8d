using FsCheck.Xunit;
using Pipeline.Stages.Replay;
using Xunit;

namespace Pipeline.Properties.Replay;

/// <summary>The sum-tree's total is the sum of priority^exponent over the items held, whatever happened before.</summary>
public class SumTreeProperties
{
    [Property(MaxTest = 200)]
    public bool Total_equals_the_sum_of_weights_after_any_inserts_updates_and_evictions(byte capacity, (bool Insert, uint Pick, uint Priority)[] operations)
    {
        var cap = 1 + capacity % 17;
        const double exponent = 0.9;
        var table = new ReplayTable(ReplayFixtures.Options(cap, Sampler.Prioritized(exponent)));
        var priorities = new Dictionary<int, double>(); // id -> priority, the model
        var batch = new ItemBatch(ReplayFixtures.Layout, 1);
        var id = 0;
        foreach (var (insert, pick, raw) in operations)
        {
            var p = raw % 1000 / 7.0; // zero included
            if (insert || priorities.Count == 0)
            {
                batch.Clear();
                ReplayFixtures.Add(batch, id++, p);
                table.TryInsert(batch);
                priorities[id - 1] = p;
                if (priorities.Count > cap) priorities.Remove(priorities.Keys.Min()); // Fifo remover
            }
            else
            {
                var (keys, ids) = (table.Keys(), ReplayFixtures.HeldIds(table));
                var at = (int)(pick % keys.Length);
                table.UpdatePriorities([keys[at], keys[at] + cap], [p, 1.0]); // the second key names an occupied slot: never held, skipped
                priorities[ids[at]] = p;
            }
        }
        var expected = priorities.Values.Sum(p => Math.Pow(p, exponent));
        var info = table.Info();
        return info.Size == priorities.Count
            && ReplayFixtures.HeldIds(table).SequenceEqual(priorities.Keys.Order())
            && Math.Abs(info.PriorityTotal - expected) <= 1e-12 * Math.Max(1, expected);
    }

    /// <summary>Batched inserts update the tree in one pass, or per item when their slots are far apart (wrap-around, holes).</summary>
    [Property(MaxTest = 60)]
    public bool Total_stays_exact_with_batched_inserts_wrap_arounds_and_holes(byte[] batchSizes, byte samplesPerBatch)
    {
        var table = new ReplayTable(ReplayFixtures.Options(300, Sampler.Prioritized(1.0), maxTimesSampled: 1));
        var sample = new SampleBatch(ReplayFixtures.Layout, 1 + samplesPerBatch % 40);
        var id = 0;
        foreach (var size in batchSizes)
        {
            var batch = new ItemBatch(ReplayFixtures.Layout, 1 + size % 120);
            while (!batch.IsFull) ReplayFixtures.Add(batch, id, 1 + id++ % 13);
            table.TryInsert(batch);
            table.TrySample(sample); // deletes what it samples: holes the next inserts fill
        }
        var held = new SampleBatch(ReplayFixtures.Layout, 1);
        var expected = table.Keys().Sum(k => table.TryRead(k, held, 0, out var p) ? p : double.NaN);
        return Math.Abs(table.Info().PriorityTotal - expected) <= 1e-12 * Math.Max(1, expected);
    }

    [Fact]
    public void The_tree_finds_the_leaf_where_the_prefix_sum_crosses_and_never_a_zero_leaf()
    {
        var tree = new SumTree(5);
        double[] leaves = [2, 0, 3, 0, 5];
        for (var i = 0; i < leaves.Length; i++) tree.Set(i, leaves[i]);
        Assert.Equal(10, tree.Total);
        Assert.Equal(0, tree.Find(0));
        Assert.Equal(0, tree.Find(1.999));
        Assert.Equal(2, tree.Find(2));
        Assert.Equal(4, tree.Find(5));
        Assert.Equal(4, tree.Find(9.999999));
        Assert.Equal(4, tree.Find(10)); // u rounded up to the total still lands on a positive leaf
    }
}
