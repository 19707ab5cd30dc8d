namespace Pipeline.Environments.Data;

/// <summary>One MNIST split: images as unsigned bytes (N x 28 x 28, row-major) and labels 0..9.</summary>
public sealed record MnistSplit(byte[] Images, byte[] Labels)
{
    public const int Side = 28;
    public const int Pixels = Side * Side;
    public int Count => Labels.Length;
}

/// <summary>The real MNIST (training 60,000, test 10,000) read from verified IDX files.</summary>
public sealed record Mnist(MnistSplit Train, MnistSplit Test)
{
    /// <summary>Reads the four IDX files in <paramref name="directory"/> and checks that they agree with each other.</summary>
    public static Mnist Load(string directory) => new(
        LoadSplit(directory, MnistFiles.TrainImages, MnistFiles.TrainLabels),
        LoadSplit(directory, MnistFiles.TestImages, MnistFiles.TestLabels));

    static MnistSplit LoadSplit(string directory, MnistFile imagesFile, MnistFile labelsFile)
    {
        var imagesPath = Path.Combine(directory, imagesFile.Name);
        var labelsPath = Path.Combine(directory, labelsFile.Name);
        foreach (var path in new[] { imagesPath, labelsPath })
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} is missing: run `pipeline data fetch mnist` first.", path);
        var images = Idx.Read(imagesPath, expectedDimensions: 3);
        var labels = Idx.Read(labelsPath, expectedDimensions: 1);
        if (images.Shape[1] != MnistSplit.Side || images.Shape[2] != MnistSplit.Side)
            throw new IdxFormatException(imagesPath, $"images are {images.Shape[1]} x {images.Shape[2]}, not 28 x 28");
        if (images.Count != labels.Count)
            throw new IdxFormatException(labelsPath, $"holds {labels.Count} labels but {imagesPath} holds {images.Count} images");
        var bad = Array.FindIndex(labels.Data, l => l > 9);
        if (bad >= 0) throw new IdxFormatException(labelsPath, $"label {bad} is {labels.Data[bad]}, outside 0..9");
        return new MnistSplit(images.Data, labels.Data);
    }
}
