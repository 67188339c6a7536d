using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>Which TorchSharp calls draw from torch's global generator.</summary>
internal static class TorchRandomness
{
    private static readonly ImmutableHashSet<string> TorchSamplers = ImmutableHashSet.Create(
        "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson",
        "rand_like", "randn_like", "randint_like");

    private static readonly ImmutableHashSet<string> TensorSamplers = ImmutableHashSet.Create(
        "uniform_", "normal_", "bernoulli", "bernoulli_", "random_", "exponential_", "geometric_", "cauchy_",
        "log_normal_", "multinomial");

    private static readonly ImmutableHashSet<string> FunctionalSamplers = ImmutableHashSet.Create(
        "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "rrelu", "gumbel_softmax");

    private static readonly ImmutableHashSet<string> RandomInitializers = ImmutableHashSet.Create(
        "uniform_", "normal_", "xavier_uniform_", "xavier_normal_", "glorot_uniform_", "glorot_normal_",
        "kaiming_uniform_", "kaiming_normal_", "trunc_normal_", "orthogonal_", "sparse_");

    // Module factories whose construction initialises parameters at random, or whose forward pass draws.
    private static readonly ImmutableHashSet<string> RandomModules = ImmutableHashSet.Create(
        "Linear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
        "Embedding", "EmbeddingBag", "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell", "MultiheadAttention",
        "Transformer", "TransformerEncoderLayer", "TransformerDecoderLayer", "Dropout", "Dropout1d", "Dropout2d",
        "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "RReLU");

    /// <summary>
    /// Whether the call draws from the global generator: a sampling function, a random initializer or a module
    /// factory, unless an explicit generator is passed.
    /// </summary>
    public static bool DrawsFromGlobalGenerator(IMethodSymbol method, ImmutableArray<IArgumentOperation> arguments, TorchSymbols torch)
    {
        var type = method.ContainingType;
        var draws = (TorchSymbols.Is(type, torch.Torch) && TorchSamplers.Contains(method.Name))
            || (TorchSymbols.Is(type, torch.Tensor) && TensorSamplers.Contains(method.Name))
            || (TorchSymbols.Is(type, torch.Functional) && FunctionalSamplers.Contains(method.Name))
            || (TorchSymbols.Is(type, torch.Init) && RandomInitializers.Contains(method.Name))
            || (TorchSymbols.Is(type, torch.Nn) && RandomModules.Contains(method.Name));
        return draws && (arguments.Argument("generator") is not { } generator || generator.IsDefaulted() || generator.Value.IsNullConstant());
    }
}
