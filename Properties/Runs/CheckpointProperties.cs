using FsCheck.Xunit;
using Pipeline.Stages.Checkpoints;
using Xunit;

namespace Pipeline.Properties.Runs;

public class CheckpointProperties
{
    /// <summary>A stream that fails after a number of bytes, as a crash or a full disk would.</summary>
    sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        long written;
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = (int)Math.Max(0, Math.Min(buffer.Length, failAfter - written));
            inner.Write(buffer[..room]);
            written += room;
            if (room < buffer.Length) throw new IOException("simulated crash mid-write");
        }
        public override void Flush() => inner.Flush();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => written;
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    [Property(MaxTest = 40)]
    public bool A_checkpoint_write_interrupted_part_way_never_replaces_the_last_good_one(ushort payloadSize, ushort failAfter, bool sameStep)
    {
        var directory = Directory.CreateTempSubdirectory("ckpt-").FullName;
        try
        {
            var good = Enumerable.Range(0, 1 + payloadSize % 5000).Select(i => (byte)i).ToArray();
            new CheckpointStore(directory).Write(100, "hash", good);
            var crashing = new CheckpointStore(directory) { OpenTemporary = path => new FailingStream(File.Create(path), failAfter % (good.Length + 80)) };
            var threw = false;
            try { crashing.Write(sameStep ? 100 : 200, "hash", good.Reverse().ToArray()); }
            catch (IOException) { threw = true; }
            var latest = new CheckpointStore(directory).Latest();
            return threw && latest is { Step: 100 } && latest.Payload.SequenceEqual(good)
                && !Directory.EnumerateFiles(directory, "*.tmp").Any();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Property(MaxTest = 40)]
    public bool A_damaged_checkpoint_is_detected_and_the_previous_one_is_used(ushort flipAt, byte flip)
    {
        var directory = Directory.CreateTempSubdirectory("ckpt-").FullName;
        try
        {
            var store = new CheckpointStore(directory);
            store.Write(1, "h", [1, 2, 3]);
            var newest = store.Write(2, "h", Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());
            var bytes = File.ReadAllBytes(newest);
            bytes[flipAt % bytes.Length] ^= (byte)(1 + flip % 255);
            File.WriteAllBytes(newest, bytes);
            var skipped = new List<CorruptCheckpointException>();
            var latest = store.Latest(skipped.Add);
            return latest is { Step: 1 } && skipped.Count == 1 && skipped[0].Message.Contains(newest);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Only_the_newest_checkpoints_are_kept()
    {
        var directory = Directory.CreateTempSubdirectory("ckpt-").FullName;
        try
        {
            var store = new CheckpointStore(directory, keep: 2);
            foreach (var step in new long[] { 10, 20, 30, 40 }) store.Write(step, "h", [(byte)step]);
            Assert.Equal([40L, 30L], store.Steps());
            Assert.Equal([(byte)40], store.Latest()!.Payload);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
