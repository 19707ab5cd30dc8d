using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Stages.Checkpoints;

/// <summary>A checkpoint read back and verified: its step, the hash of the config that wrote it, and its payload.</summary>
public sealed record Checkpoint(long Step, string ConfigHash, byte[] Payload, string Path);

/// <summary>A checkpoint file that fails verification (wrong magic, truncated, checksum mismatch).</summary>
public sealed class CorruptCheckpointException(string path, string problem)
    : Exception($"{path}: {problem}; this checkpoint cannot be used (an older one in the same folder may)");

/// <summary>
/// A folder of checkpoints <c>step-000000001000.ckpt</c>. Every write goes to a temporary file that is
/// flushed to disk and then renamed over, so an interrupted write never replaces or damages the last good
/// checkpoint. Each file ends with a SHA-256 of its contents, checked on every read.
/// Layout: magic "PLCKPT01", step (int64), config hash (string), payload length (int64), payload, SHA-256.
/// </summary>
public sealed class CheckpointStore(string directory, int keep = 3)
{
    static readonly byte[] Magic = "PLCKPT01"u8.ToArray();
    const string Prefix = "step-";
    const string Extension = ".ckpt";

    public string Directory { get; } = directory;

    /// <summary>Opens the temporary file a write goes to; replaceable in tests to simulate a crash mid-write.</summary>
    internal Func<string, Stream> OpenTemporary { get; init; } =
        path => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);

    public string PathFor(long step) =>
        System.IO.Path.Combine(Directory, $"{Prefix}{step.ToString("D12", CultureInfo.InvariantCulture)}{Extension}");

    public string Write(long step, string configHash, ReadOnlySpan<byte> payload)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var final = PathFor(step);
        var temporary = final + ".tmp";
        try
        {
            using (var stream = OpenTemporary(temporary))
            {
                using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                using var body = new MemoryStream();
                using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(step);
                    writer.Write(configHash);
                    writer.Write((long)payload.Length);
                    writer.Write(payload);
                }
                hasher.AppendData(body.GetBuffer(), 0, (int)body.Length);
                stream.Write(body.GetBuffer(), 0, (int)body.Length);
                stream.Write(hasher.GetHashAndReset());
                if (stream is FileStream file) file.Flush(flushToDisk: true);
            }
            File.Move(temporary, final, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
        Prune();
        return final;
    }

    /// <summary>Steps of the checkpoints in the folder, newest first (temporary files are ignored).</summary>
    public IReadOnlyList<long> Steps() =>
        !System.IO.Directory.Exists(Directory) ? []
        : System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension)
            .Select(p => System.IO.Path.GetFileName(p)[Prefix.Length..^Extension.Length])
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : -1)
            .Where(step => step >= 0)
            .OrderDescending()
            .ToList();

    /// <summary>The newest checkpoint that verifies; damaged newer ones are reported through <paramref name="skipped"/>.</summary>
    public Checkpoint? Latest(Action<CorruptCheckpointException>? skipped = null)
    {
        foreach (var step in Steps())
        {
            try
            {
                return Read(PathFor(step));
            }
            catch (CorruptCheckpointException e)
            {
                skipped?.Invoke(e);
            }
        }
        return null;
    }

    public static Checkpoint Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        const int hashLength = 32;
        if (bytes.Length < Magic.Length + hashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new CorruptCheckpointException(path, "not a Pipeline checkpoint (wrong magic) or truncated");
        var body = bytes.AsSpan(0, bytes.Length - hashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - hashLength)))
            throw new CorruptCheckpointException(path, "checksum mismatch (truncated or modified)");
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        var step = reader.ReadInt64();
        var hash = reader.ReadString();
        var length = reader.ReadInt64();
        if (length != body.Length - reader.BaseStream.Position)
            throw new CorruptCheckpointException(path, "payload length does not match the file");
        return new Checkpoint(step, hash, reader.ReadBytes((int)length), path);
    }

    /// <summary>Forgets checkpoints newer than <paramref name="step"/> (a resumed run rewrites them).</summary>
    public void DeleteAfter(long step)
    {
        foreach (var newer in Steps().Where(s => s > step)) TryDelete(PathFor(newer));
    }

    void Prune()
    {
        foreach (var old in Steps().Skip(keep)) TryDelete(PathFor(old));
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
    }
}
