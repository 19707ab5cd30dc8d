using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Urnn;

/// <summary>
/// The unitary-evolution RNN (uRNN section 4): h_t = modReLU(W h_{t-1} + V x_t) on a complex hidden state,
/// o_t = U [Re h_t; Im h_t] + b_o. Categorical inputs select a row of the real n_in x 2n matrix V (a complex input
/// map); h_0 is learned. Initialisation as the paper: V, U Glorot uniform, biases 0, h_0 with E|h_0|^2 = 1.
/// An explicit time loop; the restricted W is never formed (the full-capacity variant stores it).
/// </summary>
public sealed class UnitaryRnn : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> recurrence; // UnitaryMatrix, or FullUnitaryMatrix at full capacity
    readonly Parameter input;        // n_in x 2n
    readonly Parameter output;       // 2n x n_out
    readonly Parameter bias;         // n (modReLU)
    readonly Parameter outputBias;   // n_out
    readonly Parameter initial;      // 2n
    readonly double epsilon;

    /// <param name="fullCapacity">a full n x n unitary W moved by Cayley steps (Wisdom et al. 2016) instead of the restricted product.</param>
    public UnitaryRnn(int inputs, int hidden, int outputs, double epsilon, Generator generator, Device device, ScalarType dtype = ScalarType.Float32,
        bool fullCapacity = false)
        : base(nameof(UnitaryRnn))
    {
        SequenceInputs.CheckSizes(inputs, hidden, outputs);
        this.epsilon = epsilon;
        recurrence = fullCapacity ? new FullUnitaryMatrix(hidden, generator, device, dtype) : new UnitaryMatrix(hidden, generator, device, dtype);
        input = new Parameter(Glorot(inputs, 2 * hidden, generator, device, dtype));
        output = new Parameter(Glorot(2 * hidden, outputs, generator, device, dtype));
        bias = new Parameter(zeros(hidden, dtype: dtype, device: device));
        outputBias = new Parameter(zeros(outputs, dtype: dtype, device: device));
        var range = Math.Sqrt(3.0 / (2 * hidden));
        initial = new Parameter(empty(2 * hidden, dtype: dtype, device: device).uniform_(-range, range, generator));
        RegisterComponents();
        Hidden = hidden;
    }

    public int Hidden { get; }

    public nn.Module<Tensor, Tensor> Recurrence => recurrence;

    static Tensor Glorot(int fanIn, int fanOut, Generator generator, Device device, ScalarType dtype)
    {
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        return empty([fanIn, fanOut], dtype: dtype, device: device).uniform_(-bound, bound, generator);
    }

    Tensor Complex(Tensor realPair) => complex(realPair.narrow(-1, 0, Hidden), realPair.narrow(-1, Hidden, Hidden));

    /// <summary>One step: the new hidden state from the previous one and the inputs' rows of V (B x 2n real).</summary>
    public Tensor Step(Tensor previous, Tensor inputRows) => ModReLU.Apply(recurrence.call(previous).add(Complex(inputRows)), bias, epsilon);

    /// <param name="inputs">B x T class indices (int64), or B x T x n_in real inputs.</param>
    /// <returns>B x T x n_out outputs.</returns>
    public override Tensor forward(Tensor inputs) => Run(inputs, null);

    /// <summary>The forward pass keeping every hidden state h_1..h_T (B x n complex), for gradients through time.</summary>
    public (Tensor Outputs, IReadOnlyList<Tensor> States) Unroll(Tensor inputs)
    {
        var states = new List<Tensor>();
        return (Run(inputs, states), states);
    }

    Tensor Run(Tensor inputs, List<Tensor>? states)
    {
        SequenceInputs.Check(inputs, input.shape[0]);
        var (batch, steps) = (inputs.shape[0], inputs.shape[1]);
        var h = Complex(initial).unsqueeze(0).expand(batch, Hidden);
        var rows = inputs.dtype == ScalarType.Int64
            ? input.index_select(0, inputs.flatten()).view(batch, steps, 2 * Hidden)
            : inputs.matmul(input);
        var outputs = new List<Tensor>((int)steps);
        for (var t = 0; t < steps; t++)
        {
            // Each step's temporaries are freed at once, not when the caller's scope ends: over 784 steps (pixel
            // MNIST) they would otherwise pile up to far more than memory. Autograd keeps what backward needs.
            using var step = NewDisposeScope();
            var next = Step(h, rows.select(1, t));
            outputs.Add(cat([next.real, next.imag], 1).matmul(output).add(outputBias).MoveToOuterDisposeScope());
            if (t > 0 && states is null) h.Dispose();
            h = next.MoveToOuterDisposeScope();
            states?.Add(h);
        }
        return stack(outputs, 1);
    }
}

/// <summary>Refuses anything but (batch x time) class indices in [0, classes) or (batch x time x classes) real inputs, time at least 1.</summary>
static class SequenceInputs
{
    public static void CheckSizes(int inputs, int hidden, int outputs)
    {
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "the hidden size must be at least 1");
        if (inputs < 1) throw new ArgumentOutOfRangeException(nameof(inputs), inputs, "the input size must be at least 1");
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, "the output size must be at least 1");
    }

    public static void Check(Tensor inputs, long classes)
    {
        if (inputs.dim() >= 2 && inputs.shape[1] < 1)
            throw new ArgumentException($"sequences must have at least one time step, not shape [{string.Join(", ", inputs.shape)}]", nameof(inputs));
        if (inputs.dtype != ScalarType.Int64)
        {
            if (inputs.dim() != 3 || inputs.shape[2] != classes)
                throw new ArgumentException($"real inputs must be (batch x time x {classes}), not of shape [{string.Join(", ", inputs.shape)}]", nameof(inputs));
            return;
        }
        if (inputs.dim() != 2) throw new ArgumentException($"inputs must be (batch x time) class indices, not of shape [{string.Join(", ", inputs.shape)}]", nameof(inputs));
        if (inputs.numel() == 0) return;
        var (low, high) = (inputs.min().item<long>(), inputs.max().item<long>());
        if (low < 0 || high >= classes) throw new ArgumentException($"input class indices must lie in [0, {classes}), found {(low < 0 ? low : high)}", nameof(inputs));
    }
}

/// <summary>
/// The baselines on the same tasks: an LSTM, a tanh RNN, or an IRNN (Le, Jaitly, Hinton 2015: a ReLU RNN whose
/// recurrent matrix starts at the identity) over one-hot or real inputs, with a linear read-out.
/// </summary>
public sealed class GatedRnn : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor?, (Tensor, Tensor)>? simple;
    readonly LSTM? lstm;
    readonly Linear readout;
    readonly int inputs;

    public GatedRnn(string kind, int inputs, int hidden, int outputs, Generator generator, Device device) : base($"{kind}-rnn")
    {
        SequenceInputs.CheckSizes(inputs, hidden, outputs);
        this.inputs = inputs;
        if (kind == "lstm") lstm = nn.LSTM(inputs, hidden, batchFirst: true, device: device);
        else simple = nn.RNN(inputs, hidden, nonLinearity: kind == "irnn" ? nn.NonLinearities.ReLU : nn.NonLinearities.Tanh, batchFirst: true, device: device);
        readout = nn.Linear(hidden, outputs, device: device);
        RegisterComponents();
        // PyTorch's default initialisation, U(-1/sqrt(hidden), 1/sqrt(hidden)), drawn from the run's generator.
        using var _ = no_grad();
        var bound = 1 / Math.Sqrt(hidden);
        foreach (var p in parameters()) p.uniform_(-bound, bound, generator);
        if (kind == "irnn") InitialiseIrnn(generator);
    }

    /// <summary>Le et al.'s IRNN: recurrent weights the identity, recurrent biases 0, input weights N(0, 0.001^2).</summary>
    void InitialiseIrnn(Generator generator)
    {
        foreach (var (name, p) in simple!.named_parameters())
        {
            if (name.StartsWith("weight_hh")) p.copy_(eye(p.shape[0], dtype: p.dtype, device: p.device));
            else if (name.StartsWith("bias")) p.zero_();
            else p.normal_(0, 0.001, generator);
        }
    }

    Tensor Features(Tensor x)
    {
        SequenceInputs.Check(x, inputs);
        return x.dtype == ScalarType.Int64 ? nn.functional.one_hot(x, inputs).to_type(readout.weight!.dtype) : x;
    }

    public override Tensor forward(Tensor x)
    {
        var features = Features(x);
        var states = lstm is not null ? lstm.call(features, null).Item1 : simple!.call(features, null).Item1;
        return readout.call(states);
    }

    /// <summary>
    /// The forward pass one step at a time (the fused kernel hides the states), keeping every hidden state h_1..h_T
    /// (B x hidden; the LSTM's output state, not its cell), for gradients through time.
    /// </summary>
    public (Tensor Outputs, IReadOnlyList<Tensor> States) Unroll(Tensor x)
    {
        var features = Features(x);
        var states = new List<Tensor>();
        Tensor? h = null, c = null;
        for (var t = 0; t < features.shape[1]; t++)
        {
            var input = features.narrow(1, t, 1);
            // The kept state (B x hidden) feeds both the read-out and the next step, so its gradient has both paths.
            Tensor next;
            if (lstm is not null) (_, next, c) = lstm.call(input, h is null ? null : (h.unsqueeze(0), c!));
            else next = simple!.call(input, h?.unsqueeze(0)).Item2;
            h = next.squeeze(0);
            states.Add(h);
        }
        return (readout.call(stack(states, 1)), states);
    }
}
