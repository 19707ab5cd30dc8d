using Pipeline.Examples;
using Pipeline.Stages.Graph;
using Xunit;

namespace Pipeline.Properties.Dataflow;

public class ExampleTests
{
    [Fact]
    public async Task The_custom_pipeline_example_trains_and_its_own_stage_smooths_every_step()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("example-").FullName, "metrics.jsonl");
        var result = await CustomPipeline.Run(path, steps: 150);
        Assert.Equal(RunStatus.Completed, result.Run.Status);
        Assert.Equal(150, result.Smoothed.Count);
        Assert.True(result.Smoothed[^1].Values[0].Value < result.Smoothed[0].Values[0].Value / 3, "the smoothed loss falls");
        Assert.InRange(result.TestAccuracy, 0.8, 1.0);
    }
}
