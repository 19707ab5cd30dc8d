using Pipeline.Environments.Control;
using Pipeline.Reports;
using Xunit;

namespace Pipeline.Properties.Control;

public class RenderTests
{
    [Theory, MemberData(nameof(VectorEnvironmentProperties.Names), MemberType = typeof(VectorEnvironmentProperties))]
    public void Every_environment_renders_text_and_writes_a_real_png(string name)
    {
        var environment = ControlEnvironments.Create(name, 2);
        _ = new Batch(environment, 0);
        Assert.False(string.IsNullOrWhiteSpace(environment.RenderText(1)));
        var frame = environment.RenderFrame(1);
        Assert.Equal(3 * frame.Width * frame.Height, frame.Rgb.Length);
        Assert.True(frame.Rgb.Distinct().Count() > 2, "the frame is not blank");
        var directory = Directory.CreateTempSubdirectory("pipeline-env-frames");
        var path = Path.Combine(directory.FullName, $"{name}.png");
        FramePng.Write(frame, path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(2, bytes[25]); // IHDR colour type: truecolour RGB
        directory.Delete(recursive: true);
    }

    [Fact]
    public void Text_frames_draw_the_grid_worlds_cell_for_cell()
    {
        var disco = new DiscoMaze(new DiscoMazeConfig(), 1);
        _ = new Batch(disco, 0);
        var lines = disco.RenderText(0).TrimEnd('\n').Split('\n');
        Assert.Equal(21, lines.Length);
        Assert.All(lines, l => Assert.Equal(21, l.Length));
        Assert.Equal(1, lines.Sum(l => l.Count(c => c == '@')));
        var keyDoor = new KeyDoorMaze(new KeyDoorMazeConfig(), 1);
        _ = new Batch(keyDoor, 0);
        var grid = keyDoor.RenderText(0).Split('\n');
        Assert.Equal("no key", grid[11]);
        foreach (var mark in "@kDG") Assert.Single(string.Concat(grid[..11]), mark);
        var car = new SparseMountainCar(new SparseMountainCarConfig(), 1);
        _ = new Batch(car, 0);
        Assert.Matches(@"^_*o_*\|___  x = -0\.[456]\d\d  v = \+0\.0000$", car.RenderText(0));
    }
}
