using System.Security.Cryptography;

namespace Pipeline.Stages.Replay;

/// <summary>A write-only stream that hashes (SHA-256) everything it passes on, so a large checkpoint is hashed while it is written.</summary>
sealed class HashingStream(Stream inner) : Stream
{
    readonly IncrementalHash hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public byte[] Hash() => hasher.GetHashAndReset();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        hasher.AppendData(buffer);
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) hasher.Dispose();
        base.Dispose(disposing);
    }
}
