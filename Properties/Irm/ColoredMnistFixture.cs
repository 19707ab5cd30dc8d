using Pipeline.Environments.Data;

namespace Pipeline.Properties.Irm;

/// <summary>The real MNIST (fetched by ./test.sh), loaded once for every Colored MNIST test.</summary>
static class RealMnist
{
    static readonly Lazy<Mnist> Loaded = new(() => Mnist.Load(MnistFiles.Ensure()));

    public static Mnist Value => Loaded.Value;
}
