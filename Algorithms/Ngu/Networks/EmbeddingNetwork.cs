using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Algorithms.Ngu.Networks;

/// <summary>
/// NGU's controllable-state embedding f and its inverse-dynamics head h (section 2, appendix H): f is a torso and a
/// dense layer with ReLU to the embedding size (32); h maps (f(x_t), f(x_{t+1})) through one hidden layer of 128 to
/// logits over the action taken. Training h o f by cross-entropy makes f keep what the agent can control.
/// </summary>
public sealed class EmbeddingNetwork : nn.Module<Tensor, Tensor>
{
    readonly Torso torso;
    readonly Sequential project, inverse;

    public EmbeddingNetwork(TorsoSpec torsoSpec, int actions, int embeddingSize, Device device) : base("embedding")
    {
        EmbeddingSize = embeddingSize;
        torso = new Torso("torso", torsoSpec, device);
        project = nn.Sequential(nn.Linear(torsoSpec.Features, embeddingSize, device: device), nn.ReLU());
        inverse = nn.Sequential(nn.Linear(2 * embeddingSize, 128, device: device), nn.ReLU(), nn.Linear(128, actions, device: device));
        RegisterComponents();
    }

    public int EmbeddingSize { get; }

    /// <summary>f: [N, ...observation] to [N, EmbeddingSize].</summary>
    public override Tensor forward(Tensor observations) => project.call(torso.call(observations));

    /// <summary>h: logits of p(a_t | x_t, x_{t+1}) from the two embeddings, each [N, EmbeddingSize].</summary>
    public Tensor ActionLogits(Tensor embedding, Tensor nextEmbedding) => inverse.call(cat([embedding, nextEmbedding], -1));
}
