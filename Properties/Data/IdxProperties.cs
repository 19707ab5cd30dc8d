using System.Buffers.Binary;
using FsCheck.Xunit;
using Pipeline.Environments.Data;
using Xunit;

namespace Pipeline.Properties.Data;

public class IdxProperties
{
    static byte[] Encode(int[] shape, byte[] data, byte type = 0x08)
    {
        var bytes = new byte[4 + 4 * shape.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (var d = 0; d < shape.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), shape[d]);
        data.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    static (int[] Shape, byte[] Data) Sample(byte a, byte b, byte c)
    {
        int[] shape = [1 + a % 7, 1 + b % 5, 1 + c % 5];
        var data = Enumerable.Range(0, shape[0] * shape[1] * shape[2]).Select(i => (byte)(i * 31 + a)).ToArray();
        return (shape, data);
    }

    [Property(MaxTest = 100)]
    public bool A_valid_file_reads_back_exactly(byte a, byte b, byte c)
    {
        var (shape, data) = Sample(a, b, c);
        var array = Idx.Read(new MemoryStream(Encode(shape, data)), "sample", 3);
        return array.Shape.SequenceEqual(shape) && array.Data.SequenceEqual(data);
    }

    [Property(MaxTest = 100)]
    public bool A_truncated_file_is_rejected_naming_the_file(byte a, byte b, byte c, ushort cut)
    {
        var (shape, data) = Sample(a, b, c);
        var bytes = Encode(shape, data);
        var length = cut % bytes.Length; // strictly shorter than the whole file
        var error = Record.Exception(() => Idx.Read(new MemoryStream(bytes[..length]), "train-images-idx3-ubyte", 3));
        return error is IdxFormatException e && e.Message.Contains("train-images-idx3-ubyte") && e.Message.Contains("truncated")
            && e.Message.Contains("pipeline data fetch mnist");
    }

    [Property(MaxTest = 100)]
    public bool A_wrong_magic_number_is_rejected(byte a, byte b, byte c, byte position, byte value)
    {
        var (shape, data) = Sample(a, b, c);
        var bytes = Encode(shape, data);
        var i = position % 4;
        var replacement = (byte)(value == bytes[i] ? value + 1 : value);
        bytes[i] = replacement;
        var error = Record.Exception(() => Idx.Read(new MemoryStream(bytes), "f", 3));
        return error is IdxFormatException e && (e.Problem.Contains("magic") || e.Problem.Contains("dimensions"));
    }

    [Fact]
    public void Extra_bytes_after_the_data_are_rejected()
    {
        var (shape, data) = Sample(2, 2, 2);
        var error = Assert.Throws<IdxFormatException>(() => Idx.Read(new MemoryStream([.. Encode(shape, data), 0]), "f", 3));
        Assert.Contains("after", error.Problem);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_rejected()
    {
        var directory = Directory.CreateTempSubdirectory("idx-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(directory, "train-images-idx3-ubyte"), Encode([3, 28, 28], new byte[3 * 784]));
            File.WriteAllBytes(Path.Combine(directory, "train-labels-idx1-ubyte"), Encode([2], [1, 2]));
            File.WriteAllBytes(Path.Combine(directory, "t10k-images-idx3-ubyte"), Encode([1, 28, 28], new byte[784]));
            File.WriteAllBytes(Path.Combine(directory, "t10k-labels-idx1-ubyte"), Encode([1], [0]));
            var error = Assert.Throws<IdxFormatException>(() => Mnist.Load(directory));
            Assert.Contains("2 labels", error.Message);
            Assert.Contains("3 images", error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_real_MNIST_is_present_verified_and_complete()
    {
        var directory = MnistFiles.DefaultDirectory();
        Assert.True(MnistFiles.Problems(directory).Count == 0,
            $"MNIST in {directory}: {string.Join("; ", MnistFiles.Problems(directory))}. Run ./test.sh (it fetches MNIST) or `pipeline data fetch mnist`.");
        var mnist = Mnist.Load(directory);
        Assert.Equal(60_000, mnist.Train.Count);
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(d => (byte)d), mnist.Test.Labels.Distinct().Order());
    }
}
