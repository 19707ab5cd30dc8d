using FsCheck.Xunit;
using Pipeline.Algorithms.Divergences;
using Pipeline.Algorithms.Gan.Ali;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pipeline.Properties.Ali;

/// <summary>ALI's objective against its closed forms (gan.md 4.1 and 4.5), in float64.</summary>
public class AliObjectiveProperties
{
    static readonly double Log4 = Math.Log(4);

    /// <summary>
    /// A discrete toy: x and z take finitely many values, q(x, z) and p(x, z) are pmfs with rational masses
    /// count / total. A batch holding each cell count times makes the batch mean an exact expectation, so the loss
    /// of a discriminator given as a table of logits (one per cell) can be compared with closed forms.
    /// </summary>
    sealed record Toy(double[] Q, double[] P, Tensor EncoderCells, Tensor DecoderCells) : IDisposable
    {
        public static Toy Draw(int seed, int cells, bool equal)
        {
            var random = new Random(seed);
            var qCounts = Enumerable.Range(0, cells).Select(_ => random.Next(1, 6)).ToArray();
            var pCounts = equal ? qCounts : Enumerable.Range(0, cells).Select(_ => random.Next(1, 6)).ToArray();
            static double[] Normalise(int[] c) => c.Select(n => (double)n / c.Sum()).ToArray();
            static Tensor Cells(int[] c) => tensor(c.SelectMany((n, cell) => Enumerable.Repeat((long)cell, n)).ToArray());
            return new Toy(Normalise(qCounts), Normalise(pCounts), Cells(qCounts), Cells(pCounts));
        }

        /// <summary>L_D of the table discriminator on the exact batches.</summary>
        public Tensor Loss(Tensor logits) => AliLosses.Discriminator(logits.index_select(0, EncoderCells), logits.index_select(0, DecoderCells));

        public void Dispose()
        {
            EncoderCells.Dispose();
            DecoderCells.Dispose();
        }
    }

    /// <summary>
    /// At any fixed discriminator, L_D = -V(D) = -sum q log D - sum p log(1 - D). At D* = q / (q + p) it equals
    /// log 4 - 2 JSD(q || p) (so V(D*) = -log 4 + 2 JSD), its gradient in every logit is 0, and moving any logit
    /// only raises it: the optimum of the discrete toy is q / (q + p).
    /// </summary>
    [Property(MaxTest = 40)]
    public bool The_discriminator_loss_has_its_closed_form_and_its_optimum_at_q_over_q_plus_p(int seed, byte size)
    {
        var cells = 2 + size % 12;
        using var toy = Toy.Draw(seed, cells, equal: false);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed);

        var fixedLogits = randn([cells], dtype: ScalarType.Float64, generator: generator).mul(3);
        var d = fixedLogits.sigmoid().data<double>().ToArray();
        var value = Enumerable.Range(0, cells).Sum(c => toy.Q[c] * Math.Log(d[c]) + toy.P[c] * Math.Log(1 - d[c]));
        var atFixed = Math.Abs(toy.Loss(fixedLogits).item<double>() + value) < 1e-12;

        var optimum = tensor(Enumerable.Range(0, cells).Select(c => Math.Log(toy.Q[c] / toy.P[c])).ToArray()).requires_grad_();
        var dStar = optimum.sigmoid().data<double>().ToArray();
        var atOptimum = toy.Loss(optimum);
        var jsd = DiscreteDivergences.JensenShannon(tensor(toy.Q), tensor(toy.P));
        var closedForm = Math.Abs(atOptimum.item<double>() - (Log4 - 2 * jsd)) < 1e-12;
        var isQOverQPlusP = Enumerable.Range(0, cells).All(c => Math.Abs(dStar[c] - toy.Q[c] / (toy.Q[c] + toy.P[c])) < 1e-12);
        var gradient = autograd.grad([atOptimum], [optimum])[0];
        var stationary = gradient.abs().max().item<double>() < 1e-12;
        var perturbed = optimum.detach().add(randn([cells], dtype: ScalarType.Float64, generator: generator).mul(0.1));
        var minimal = toy.Loss(perturbed).item<double>() > atOptimum.item<double>();
        return atFixed && closedForm && isQOverQPlusP && stationary && minimal;
    }

    /// <summary>When the encoder and decoder joints agree (q = p), D* = 1/2 everywhere and V(D*) = -log 4.</summary>
    [Property(MaxTest = 20)]
    public bool When_q_equals_p_the_optimal_discriminator_is_one_half_and_the_loss_is_log_4(int seed, byte size)
    {
        using var toy = Toy.Draw(seed, 2 + size % 12, equal: true);
        using var zeros = torch.zeros(toy.Q.Length, dtype: ScalarType.Float64);
        return Math.Abs(toy.Loss(zeros).item<double>() - Log4) < 1e-14;
    }

    /// <summary>
    /// L_D + L_G = mean[h(d)] + mean[h(s)] with h(a) = log(2 + 2 cosh a) >= log 4, so the two losses sum to at
    /// least 2 log 4, with equality exactly at the optimum of the game, where every logit is 0 (gan.md 4.5).
    /// </summary>
    [Property(MaxTest = 60)]
    public bool The_two_losses_sum_to_at_least_2_log_4_with_equality_at_the_optimum(int seed, byte scaleTenths)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)(uint)seed);
        var scale = scaleTenths % 200 / 10.0;
        var d = randn([64], dtype: ScalarType.Float64, generator: generator).mul(scale);
        var s = randn([48], dtype: ScalarType.Float64, generator: generator).mul(scale);
        var sum = AliLosses.Discriminator(d, s).add(AliLosses.Generator(d, s)).item<double>();
        static double MeanH(Tensor a) => a.data<double>().ToArray().Average(x => Math.Log(2 + 2 * Math.Cosh(x)));
        var identity = Math.Abs(sum - (MeanH(d) + MeanH(s))) < 1e-10 * Math.Max(1, sum);
        var bound = scale == 0 ? Math.Abs(sum - 2 * Log4) < 1e-15 : sum > 2 * Log4;
        return identity && bound;
    }

    [Fact]
    public void At_the_optimum_the_losses_sum_to_exactly_2_log_4()
    {
        using var zeros = torch.zeros(10, dtype: ScalarType.Float64);
        Assert.Equal(2 * Log4, AliLosses.Discriminator(zeros, zeros).item<double>() + AliLosses.Generator(zeros, zeros).item<double>(), 15);
    }

    /// <summary>-log sigmoid(a) and -log(1 - sigmoid(a)) through softplus stay finite, with finite gradients, up to |a| = 100 in float32.</summary>
    [Fact]
    public void The_losses_and_their_gradients_are_finite_for_logits_up_to_100_in_float32()
    {
        using var scope = NewDisposeScope();
        var d = tensor(new float[] { -100, -50, 0, 50, 100 }).requires_grad_();
        var s = tensor(new float[] { 100, 50, 0, -50, -100 }).requires_grad_();
        var lossD = AliLosses.Discriminator(d, s);
        var lossG = AliLosses.Generator(d, s);
        var gradients = autograd.grad([lossD.add(lossG)], [d, s]);
        Assert.True(float.IsFinite(lossD.item<float>()) && float.IsFinite(lossG.item<float>()));
        Assert.True(gradients.All(g => g.isfinite().all().item<bool>()));
        // softplus(100) = 100 to float32 precision: the loss of a confidently wrong logit is its size, not infinity.
        Assert.Equal((100 + 50 + Math.Log(2) + 0 + 0) / 5 * 2, lossD.item<float>(), 3);
    }
}
