using System.Diagnostics;
using Pipeline.Algorithms.Core;
using Pipeline.Algorithms.Gan.Ali;
using Pipeline.Environments.Data;
using Pipeline.Recipes;
using Pipeline.Recipes.Gan;
using Pipeline.Runs;
using static TorchSharp.torch;

namespace Pipeline.Reproductions.Gan;

/// <summary>
/// ALI on the real MNIST with small MLPs (a CPU-scale stand-in for the paper's image experiments, gan.md 4.3): the
/// evaluation metrics over training, then a grid of samples and a grid of test images beside their reconstructions
/// from the final checkpoint. For scale, the reconstruction error is set beside two references that involve no
/// inference (a different test image, the mean training image), and a classifier says whether reconstructions keep
/// their image's digit and which digits the samples show.
/// </summary>
public sealed class AliMnist : IReproduction
{
    public string Name => "ali-mnist";
    public string Summary => "ALI on MNIST (small MLPs): samples and reconstructions grids; reconstruction error and kept digits against references";
    public string Paper => "Dumoulin et al. 2017 (ALI), sections 4.1-4.3 (samples and reconstructions), at CPU scale";

    public async Task Run(ReproductionContext context, CancellationToken cancellation)
    {
        var steps = context.Quick ? 3000 : 30_000;
        string[] settings = [$"eval-every={Math.Max(steps / 6, 1)}", $"checkpoint-every={steps}"];
        var recipe = RecipeRegistry.Find("ali-mnist")!;
        var prepared = recipe.Prepare([.. settings, "device=cpu"], context.Seed, steps)
            .IfFail(errors => throw new InvalidOperationException(string.Join("; ", errors)));
        var config = (AliConfig)prepared.Config;
        context.Report.Text($"ALI on the 60,000 MNIST training images (pixels in [0, 1]), {steps:N0} updates of batch {config.BatchSize}. " +
            $"Latent z in R^{config.LatentDim}, p(z) = N(0, I). Gaussian encoder 784-{config.EncoderHidden}-{config.EncoderHidden}-{2 * config.LatentDim} " +
            $"(mu, log sigma), decoder {config.LatentDim}-{config.DecoderHidden}-{config.DecoderHidden}-784 with a sigmoid output, both with batch norm " +
            $"and ReLU; discriminator on concat(x, z): {config.DiscriminatorLayers} maxout layers of {config.DiscriminatorHidden} units x {config.MaxoutPieces} pieces, " +
            $"dropout {config.DiscriminatorDropout}; Adam {config.LearningRate:G3}, beta1 {config.Beta1}. Evaluation on 1,000 test images.");

        var clock = Stopwatch.StartNew();
        var outcome = await context.Train(recipe, "ali-mnist", settings, context.Seed, steps, cancellation);
        var seconds = clock.Elapsed.TotalSeconds;
        if (cancellation.IsCancellationRequested) return;

        var evals = MetricsLog.Read(outcome.Directory.MetricsJsonl).Where(p => p.Phase == "eval").GroupBy(p => p.Step).OrderBy(g => g.Key)
            .Select(g => (IReadOnlyList<object>)[g.Key, g.First(p => p.Metric == "energy_distance").Value,
                g.First(p => p.Metric == "reconstruction_mse").Value, g.First(p => p.Metric == "latent_energy_distance").Value])
            .ToList();
        context.Report.Table(new ReportTable("evaluation", "Over training, on 1,000 test images",
            ["update", "energy distance (samples vs test)", "reconstruction MSE per pixel", "energy distance q(z) vs p(z)"], evals));

        var mnist = Mnist.Load(MnistFiles.Ensure());
        var (other, mean) = References(mnist);
        context.Report.Table(new ReportTable("reconstruction_references", "Reconstruction MSE per pixel on the 1,000 test images, beside references without inference",
            ["ALI reconstruction G_x(G_z(x))", "another test image (x shifted by one)", "the mean training image", "seconds of training"],
            [[outcome.Final["eval"]["reconstruction_mse"], other, mean, Math.Round(seconds, 1)]]));

        var checkpoint = outcome.Directory.CheckpointStore(3).Latest() ?? throw new InvalidOperationException($"{outcome.Directory.Path} has no checkpoint");
        using var state = Ali.Load(config, checkpoint.Payload, CPU);
        using var test = TestImages(mnist);
        using var judge = AliDigitJudge.Train(mnist, context.Seed);
        context.Report.Table(Digits(state, judge, test, mnist, context.Seed));

        var samples = context.PathOf("samples.png");
        File.WriteAllBytes(samples, AliGrids.Samples(state, SeedMix.Mix(context.Seed, 1, stream: 48)));
        context.Report.Figure(samples, "64 samples G_x(z), z ~ N(0, I), from the final networks.");
        var reconstructions = context.PathOf("reconstructions.png");
        File.WriteAllBytes(reconstructions, AliGrids.Reconstructions(state, test, SeedMix.Mix(context.Seed, 2, stream: 48)));
        context.Report.Figure(reconstructions, "64 test images (odd columns) and their reconstructions G_x(G_z(x)) (even columns).");
    }

    /// <summary>
    /// What the reference classifier sees: its accuracy on the test images, how often a reconstruction shows its
    /// image's digit (chance: 10%), and how the digits of 1,000 samples spread over the ten classes.
    /// </summary>
    static ReportTable Digits(AliState state, AliDigitJudge judge, Tensor test, Mnist mnist, int seed)
    {
        using var scope = NewDisposeScope();
        var labels = tensor(mnist.Test.Labels.AsSpan(0, (int)test.shape[0]).ToArray(), dtype: ScalarType.Byte).to_type(ScalarType.Int64);
        double Agreement(Tensor images) => 100 * judge.Digits(images).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
        var reconstructions = AliInference.Reconstruct(state, test, SeedMix.Mix(seed, 3, stream: 48));
        var sampleDigits = judge.Digits(AliInference.Sample(state, 1000, SeedMix.Mix(seed, 4, stream: 48))).bincount(null, minlength: 10);
        var counts = sampleDigits.data<long>().ToArray();
        return new ReportTable("digits", "Digits as the reference MNIST classifier sees them (1,000 test images, 1,000 samples)",
            ["classifier accuracy on the test images %", "reconstructions showing their image's digit %", "chance %",
             "digits present among the samples", "largest digit's share of the samples %", "samples per digit 0-9"],
            [[Agreement(test), Agreement(reconstructions), 10.0, counts.Count(c => c > 0), 100.0 * counts.Max() / counts.Sum(), string.Join(" ", counts)]]);
    }

    static Tensor TestImages(Mnist mnist)
    {
        using var raw = tensor(mnist.Test.Images.AsSpan(0, 1000 * MnistSplit.Pixels).ToArray(), [1000, MnistSplit.Pixels], dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Float32).div_(Scalars.Of(255));
    }

    /// <summary>Per-pixel MSE of each test image against the next one, and against the mean of the training images.</summary>
    static (double Other, double Mean) References(Mnist mnist)
    {
        using var scope = NewDisposeScope();
        var test = TestImages(mnist).to_type(ScalarType.Float64);
        using var raw = tensor(mnist.Train.Images, [mnist.Train.Count, MnistSplit.Pixels], dtype: ScalarType.Byte);
        var meanImage = raw.to_type(ScalarType.Float64).div_(Scalars.Of(255)).mean([0]);
        var shifted = test.roll(1, 0);
        return (ScalarFree.Square(test.sub(shifted)).mean().item<double>(), ScalarFree.Square(test.sub(meanImage)).mean().item<double>());
    }
}
