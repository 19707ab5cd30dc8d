using System.Security.Cryptography;
using System.Text;
using Pipeline.Stages.Checkpoints;

namespace Pipeline.Stages.Replay;

/// <summary>A checkpoint written for a table with other arguments; names every argument that differs.</summary>
public sealed class CheckpointMismatchException(string path, IEnumerable<string> differences)
    : Exception($"{path}: the checkpoint was written by a table with other arguments: {string.Join("; ", differences)}");

/// <summary>
/// Stop-the-world snapshot of a table (Reverb: every request blocks while the checkpoint is written). One file:
/// magic "PLREPLAY1", the table arguments by name, the state (insertions so far, limiter counters, skipped updates,
/// random stream, free slots, every item's slot, key, priority and times sampled, oldest first), every column's
/// item data, then a SHA-256 of all of it. Written to a temporary file, flushed to disk and renamed over the
/// target, so a crash mid-write never damages the previous checkpoint.
/// </summary>
public sealed partial class ReplayTable
{
    static readonly byte[] Magic = "PLREPLAY1"u8.ToArray();
    const int HashLength = 32;

    /// <summary>Writes the checkpoint to <paramref name="path"/>; inserts, samples and updates wait meanwhile.</summary>
    public void Checkpoint(string path)
    {
        var temporary = path + ".tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using var hashing = new HashingStream(file);
                using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                lock (gate)
                    WriteState(writer);
                file.Write(hashing.Hash());
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// A table identical to the one that wrote <paramref name="path"/> (same items, slots, priorities, counters and
    /// random stream, so the same samples follow). Throws <see cref="CorruptCheckpointException"/> for a damaged file
    /// and <see cref="CheckpointMismatchException"/> when <paramref name="options"/> differ from the writer's arguments.
    /// </summary>
    public static ReplayTable Restore(string path, TableOptions options)
    {
        Verify(path);
        var table = new ReplayTable(options);
        using var reader = new BinaryReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20), Encoding.UTF8);
        try
        {
            table.ReadState(reader, path);
        }
        catch (EndOfStreamException)
        {
            throw new CorruptCheckpointException(path, "the file ends before the table does");
        }
        return table;
    }

    void WriteState(BinaryWriter writer)
    {
        writer.Write(Magic);
        var arguments = Options.Arguments();
        writer.Write(arguments.Count);
        foreach (var (name, value) in arguments)
        {
            writer.Write(name);
            writer.Write(value);
        }
        writer.Write(insertions);
        writer.Write(limiter.Inserts);
        writer.Write(limiter.Samples);
        writer.Write(limiter.Deletes);
        writer.Write(skippedUpdates);
        foreach (var word in random.State) writer.Write(word);
        // Slots removed while a reader still copies them out are free as far as the saved table is concerned.
        writer.Write(freeCount + deferredCount);
        for (var i = 0; i < freeCount; i++) writer.Write(free[i]);
        for (var slot = 0; slot < deferred.Length && deferredCount > 0; slot++)
            if (deferred[slot]) writer.Write(slot);
        writer.Write(size);
        for (var s = oldest; s >= 0; s = newer[s])
        {
            writer.Write(s);
            writer.Write(slotKey[s]);
            writer.Write(slotPriority[s]);
            writer.Write(slotTimesSampled[s]);
        }
        for (var c = 0; c < Layout.Columns.Count; c++)
            for (var s = oldest; s >= 0; s = newer[s])
                writer.Write(storage.Raw(c, s, 1));
    }

    void ReadState(BinaryReader reader, string path)
    {
        reader.ReadBytes(Magic.Length);
        var written = new List<(string, string)>();
        for (var n = reader.ReadInt32(); n > 0; n--) written.Add((reader.ReadString(), reader.ReadString()));
        var expected = Options.Arguments();
        var differences = expected.Select(e => (e.Name, Mine: e.Value, Theirs: written.FirstOrDefault(w => w.Item1 == e.Name).Item2))
            .Where(d => d.Mine != d.Theirs)
            .Select(d => $"{d.Name}: checkpoint has {d.Theirs ?? "(none)"}, this table has {d.Mine}")
            .ToList();
        if (differences.Count > 0) throw new CheckpointMismatchException(path, differences);

        insertions = reader.ReadInt64();
        limiter.Inserts = reader.ReadInt64();
        limiter.Samples = reader.ReadInt64();
        limiter.Deletes = reader.ReadInt64();
        skippedUpdates = reader.ReadInt64();
        random.Restore([reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64()]);
        freeCount = reader.ReadInt32();
        for (var i = 0; i < freeCount; i++) free[i] = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (count < 0 || count > Options.Capacity || freeCount + count != Options.Capacity)
            throw new CorruptCheckpointException(path, $"{count} items and {freeCount} free slots do not fill a table of {Options.Capacity}");
        var order = new int[count];
        var previous = -1;
        for (var i = 0; i < count; i++)
        {
            var slot = order[i] = reader.ReadInt32();
            slotKey[slot] = reader.ReadInt64();
            SetPriority(slot, reader.ReadDouble());
            slotTimesSampled[slot] = reader.ReadInt32();
            size++;
            older[slot] = previous;
            newer[slot] = -1;
            if (previous >= 0) newer[previous] = slot;
            else oldest = slot;
            previous = newest = slot;
        }
        for (var c = 0; c < Layout.Columns.Count; c++)
            foreach (var slot in order)
                reader.BaseStream.ReadExactly(storage.Raw(c, slot, 1));
    }

    /// <summary>Checks the trailing SHA-256 by streaming the file once.</summary>
    static void Verify(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        if (file.Length < Magic.Length + HashLength)
            throw new CorruptCheckpointException(path, "too short to be a replay checkpoint (truncated)");
        var head = new byte[Magic.Length];
        file.ReadExactly(head);
        if (!head.AsSpan().SequenceEqual(Magic))
            throw new CorruptCheckpointException(path, "not a replay table checkpoint (wrong magic)");
        file.Position = 0;
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (var left = file.Length - HashLength; left > 0;)
        {
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) break;
            hasher.AppendData(buffer, 0, read);
            left -= read;
        }
        var stored = new byte[HashLength];
        file.ReadExactly(stored);
        if (!hasher.GetHashAndReset().AsSpan().SequenceEqual(stored))
            throw new CorruptCheckpointException(path, "checksum mismatch (truncated or modified)");
    }
}
