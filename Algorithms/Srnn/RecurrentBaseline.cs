using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Srnn;

/// <summary>
/// The SRNN paper's vanilla RNN and LSTM baselines (section 4, Tables 1-2): a cell reads the current predicted state
/// and runs on its own predictions from z0, so it predicts any horizon like the integrators do. No physics: the time
/// step and integrator are ignored. What the next state is (<see cref="Output"/>): the current one plus a linear
/// readout of the hidden state (residual, this library's default), the readout alone (the paper code's RNN), or the
/// hidden state itself (the paper code's LSTM, whose hidden size is the state size, so every prediction is in (-1, 1)).
/// </summary>
public sealed class RecurrentBaseline : nn.Module<Tensor, Tensor>, ITrajectoryModel
{
    readonly RNNCell? rnn;
    readonly LSTMCell? lstm;
    readonly Linear? readout;
    readonly int hidden;
    readonly Output output;

    /// <summary>What a step predicts from the hidden state h and the current state z.</summary>
    public enum Output { Residual, State, Hidden }

    public RecurrentBaseline(bool useLstm, int dimension, int hidden, Generator generator, Device device, ScalarType dtype = ScalarType.Float32,
        Output output = Output.Residual) : base(useLstm ? "lstm" : "rnn")
    {
        if (output == Output.Hidden && hidden != 2 * dimension)
            throw new ArgumentException($"a baseline that outputs its hidden state needs hidden = 2 x dimension = {2 * dimension}, not {hidden}");
        this.hidden = hidden;
        this.output = output;
        if (useLstm) lstm = nn.LSTMCell(2 * dimension, hidden, device: device, dtype: dtype);
        else rnn = nn.RNNCell(2 * dimension, hidden, device: device, dtype: dtype);
        // The paper code's LSTM has no readout: its hidden state is the prediction.
        readout = output == Output.Hidden ? null : nn.Linear(hidden, 2 * dimension, device: device, dtype: dtype);
        RegisterComponents();
        using var _ = no_grad();
        var bound = 1 / Math.Sqrt(hidden);
        foreach (var parameter in parameters()) parameter.uniform_(-bound, bound, generator);
    }

    /// <summary>The next states of a batch of states z (B x 2d) after one step from a zero hidden state.</summary>
    public override Tensor forward(Tensor z) => Rollout(z, 2, Integrator.Leapfrog, 0)[1];

    public Tensor Rollout(Tensor z0, int states, Integrator integrator, double dt)
    {
        var h = zeros([z0.shape[0], hidden], dtype: z0.dtype, device: z0.device);
        var c = zeros_like(h);
        var z = z0;
        var trajectory = new List<Tensor>(states) { z0 };
        for (var t = 1; t < states; t++)
        {
            if (lstm is not null) (h, c) = lstm.call(z, (h, c));
            else h = rnn!.call(z, h);
            z = output switch
            {
                Output.Residual => z.add(readout!.call(h)),
                Output.State => readout!.call(h),
                _ => h,
            };
            trajectory.Add(z);
        }
        return stack(trajectory);
    }
}
