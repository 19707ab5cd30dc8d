using static TorchSharp.torch;

namespace Pipeline.Environments.Physics;

/// <summary>Trajectory sets on disk in the SRNN layout: one float tensor, states x trajectories x 2d with z = [p, q].</summary>
public static class TrajectoryFile
{
    public static void Save(string path, Tensor trajectories) => trajectories.cpu().save(path);

    /// <summary>The trajectories of a d-dimensional system; an error naming the expected layout when the file holds another.</summary>
    public static Tensor Load(string path, int dimension)
    {
        if (dimension < 1) throw new ArgumentException($"the dimension must be at least 1, not {dimension}");
        if (!File.Exists(path)) throw new FileNotFoundException($"no trajectory file at {path}", path);
        var trajectories = Tensor.load(path);
        if (trajectories.dim() != 3 || trajectories.shape[2] != 2 * dimension || trajectories.shape[0] < 1 || trajectories.shape[1] < 1
            || !trajectories.is_floating_point())
        {
            var found = $"{trajectories.dtype} [{string.Join(", ", trajectories.shape)}]";
            trajectories.Dispose();
            throw new InvalidDataException($"{path}: expected a float tensor of states x trajectories x {2 * dimension} (z = [p, q], d = {dimension}), found {found}");
        }
        return trajectories;
    }
}
