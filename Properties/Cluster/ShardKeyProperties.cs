using FsCheck;
using FsCheck.Xunit;
using Pipeline.Cluster.Client;

namespace Pipeline.Properties.Cluster;

public sealed class ShardKeyProperties
{
    [Property]
    public bool A_table_wide_key_names_its_shard_and_local_key(ushort shard, long local)
    {
        var s = shard % (1 << 14);
        var l = Math.Abs(local % (1L << 49));
        var key = ShardKeys.Global(s, l);
        return key >= 0 && ShardKeys.Shard(key) == s && ShardKeys.Local(key) == l;
    }
}
