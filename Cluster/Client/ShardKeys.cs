namespace Pipeline.Cluster.Client;

/// <summary>A table-wide key: the shard number in the top 14 bits, the shard's own key in the low 49.</summary>
public static class ShardKeys
{
    const int Bits = 49;
    const long LocalMask = (1L << Bits) - 1;

    public static long Global(int shard, long local) =>
        local is >= 0 and <= LocalMask ? ((long)shard << Bits) | local
        : throw new ArgumentOutOfRangeException(nameof(local), local, "a shard key must be in [0, 2^49)");

    public static int Shard(long key) => (int)(key >> Bits);

    public static long Local(long key) => key & LocalMask;
}
