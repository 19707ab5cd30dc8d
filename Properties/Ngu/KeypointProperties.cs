using FsCheck.Xunit;
using Pipeline.Algorithms.Ngu.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ngu;

/// <summary>
/// The embedding torso's spatial soft-argmax (float64): a map that is high at one cell reports that cell's row and
/// column in [-1, 1], so moving the cell by one column moves the column keypoint by 2 / (W - 1) and leaves the row.
/// </summary>
public class KeypointProperties
{
    [Property(MaxTest = 100)]
    public bool A_single_high_cell_is_located(byte rawHeight, byte rawWidth, ushort rawRow, ushort rawColumn, byte rawFilters)
    {
        using var scope = NewDisposeScope();
        var (height, width, filters) = (2 + rawHeight % 24, 2 + rawWidth % 24, 1 + rawFilters % 4);
        var (row, column) = (rawRow % height, rawColumn % width);
        var maps = zeros([3, filters, height, width], dtype: ScalarType.Float64);
        maps[TensorIndex.Colon, TensorIndex.Colon, row, column] = tensor(1.0, dtype: ScalarType.Float64);
        var keypoints = Torso.SoftArgmax(maps, tensor(Torso.InitialSharpness, dtype: ScalarType.Float64));
        var (expectedRow, expectedColumn) = (-1 + 2.0 * row / (height - 1), -1 + 2.0 * column / (width - 1));
        var rows = keypoints[TensorIndex.Colon, TensorIndex.Slice(0, filters)];
        var columns = keypoints[TensorIndex.Colon, TensorIndex.Slice(filters, 2 * filters)];
        return keypoints.shape.SequenceEqual(new long[] { 3, 2 * filters })
            && rows.sub(expectedRow).abs().max().item<double>() < 1e-15 * height * width + 1e-12
            && columns.sub(expectedColumn).abs().max().item<double>() < 1e-15 * height * width + 1e-12;
    }

    [Fact]
    public void A_uniform_map_reports_the_centre_and_gradients_reach_the_map_and_the_sharpness()
    {
        using var scope = NewDisposeScope();
        var maps = full([2, 3, 5, 7], 0.3, dtype: ScalarType.Float64).requires_grad_(true);
        var sharpness = tensor(Torso.InitialSharpness, dtype: ScalarType.Float64).requires_grad_(true);
        var keypoints = Torso.SoftArgmax(maps, sharpness);
        Assert.True(keypoints.abs().max().item<double>() < 1e-12, "a uniform map's expected position is the centre");
        var weights = arange(keypoints.numel(), dtype: ScalarType.Float64).view(keypoints.shape);
        keypoints.mul(weights).sum().backward();
        Assert.True(maps.grad is not null && maps.grad.abs().max().item<double>() > 1e-3, "the maps get a gradient");
        Assert.NotNull(sharpness.grad);
    }
}
