using static TorchSharp.torch;

namespace Pipeline.Properties.Irm;

static class Tensors
{
    /// <summary>Same shape and every element equal.</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
