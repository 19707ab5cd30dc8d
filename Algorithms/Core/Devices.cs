using TorchSharp;

namespace Pipeline.Algorithms.Core;

/// <summary>Resolves a device name; every tensor of a run lives on the device this returns.</summary>
public static class Devices
{
    public const string Choices = "auto, cpu, cuda, cuda:N";

    /// <summary>"auto" takes CUDA when the CUDA build of TorchSharp sees a GPU, else the CPU.</summary>
    public static torch.Device Resolve(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        "cpu" => torch.CPU,
        var cuda when cuda.StartsWith("cuda", StringComparison.Ordinal) =>
            torch.cuda.is_available() ? new torch.Device(cuda)
            : throw new ArgumentException($"device '{name}' asked for, but this TorchSharp build sees no CUDA device (build with -p:TorchBackend=cuda on a GPU machine)"),
        _ => throw new ArgumentException($"unknown device '{name}'; choose one of {Choices}"),
    };
}
