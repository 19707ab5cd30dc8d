using TorchSharp;

namespace Pipeline.Algorithms.Core;

/// <summary>
/// The contract every algorithm meets (ARCHITECTURE.md section 2), checked by the compiler.
/// "Pure" means: the result depends only on the arguments; all randomness comes from a generator kept in
/// the state and seeded from <c>seed</c>; the input state is consumed (its tensors may be updated in place),
/// so a caller never uses it again. Same seed, same metrics, bit for bit; save at step k then load gives
/// the same step k + n as an uninterrupted run.
/// </summary>
public interface IAlgorithm<TConfig, TState, TBatch> where TState : IDisposable
{
    static abstract TState Init(TConfig config, int seed, torch.Device device);

    static abstract Step<TState> Update(TState state, TBatch batch);

    /// <summary>Everything needed to continue exactly: parameters, optimizer moments, generator states.</summary>
    static abstract byte[] Save(TState state);

    static abstract TState Load(TConfig config, byte[] payload, torch.Device device);
}
