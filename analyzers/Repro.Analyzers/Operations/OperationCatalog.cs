using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Operations;

/// <summary>
/// PyTorch's list of nondeterministic operations (the <c>use_deterministic_algorithms</c> documentation), matched
/// against TorchSharp 0.107's members. TorchSharp has no deterministic mode, so on CUDA these are always
/// nondeterministic from .NET. See docs/rules/REPRO2001.md onwards.
/// </summary>
internal static class OperationCatalog
{
    private const string Torch = "torch";
    private const string Tensor = "Tensor";
    private const string Nn = "nn";
    private const string Functional = "nn.functional";

    private const string MessagePrefix = "'{0}' is nondeterministic on {1}: it ";

    private const string Description = "TorchSharp cannot switch on PyTorch's deterministic mode (use_deterministic_algorithms is not "
        + "implemented), so this operation is always nondeterministic where it runs on the device named. Set "
        + "repro_target_device in .editorconfig when the code only runs on CPU.";

    private static readonly DiagnosticDescriptor IndexAddRule = RuleHelp.Rule(
        RuleIds.IndexAdd,
        title: "index_add accumulates atomically",
        message: MessagePrefix + "accumulates with atomic adds, so sums over repeated indices round differently on every run",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor ScatterAddRule = RuleHelp.Rule(
        RuleIds.ScatterAdd,
        title: "scatter_add accumulates atomically",
        message: MessagePrefix + "accumulates with atomic adds, so sums over repeated indices round differently on every run",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor ScatterRule = RuleHelp.Rule(
        RuleIds.Scatter,
        title: "scatter with repeated indices",
        message: MessagePrefix + "writes repeated indices in thread order, so which source value survives differs between runs",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor IndexPutRule = RuleHelp.Rule(
        RuleIds.IndexPut,
        title: "index_put_ with repeated indices or accumulation",
        message: MessagePrefix + "is nondeterministic: with accumulate=false the surviving value for a repeated index is arbitrary; with accumulate=true on CPU the additions run in a parallel order",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor IndexCopyRule = RuleHelp.Rule(
        RuleIds.IndexCopy,
        title: "index_copy with repeated indices",
        message: MessagePrefix + "copies repeated indices in an arbitrary order, on CPU and CUDA alike",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor IndexingBackwardRule = RuleHelp.Rule(
        RuleIds.IndexingBackward,
        title: "Backward of gather, index_select or repeat_interleave",
        message: MessagePrefix + "has a backward pass that accumulates gradients with atomic adds, so gradients differ in their last bits on every run",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor CudnnConvolutionRule = RuleHelp.Rule(
        RuleIds.CudnnConvolution,
        title: "cuDNN convolution without a deterministic switch",
        message: MessagePrefix + "runs on cuDNN, whose algorithms may be nondeterministic; TorchSharp has no cudnn.deterministic switch to forbid them",
        RuleCategories.Operations,
        DiagnosticSeverity.Info,
        Description);

    private static readonly DiagnosticDescriptor PaddingBackwardRule = RuleHelp.Rule(
        RuleIds.PaddingBackward,
        title: "Backward of reflection or replication padding",
        message: MessagePrefix + "pads by reflection or replication, whose backward pass accumulates with atomic adds",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor PoolingBackwardRule = RuleHelp.Rule(
        RuleIds.PoolingBackward,
        title: "Backward of adaptive, 3-D or fractional pooling",
        message: MessagePrefix + "has a backward pass that accumulates with atomic adds, so gradients differ on every run",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor MaxUnpoolRule = RuleHelp.Rule(
        RuleIds.MaxUnpool,
        title: "max_unpool with overlapping indices",
        message: MessagePrefix + "writes overlapping indices in an arbitrary order, on CPU and CUDA alike",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor InterpolationBackwardRule = RuleHelp.Rule(
        RuleIds.InterpolationBackward,
        title: "Backward of linear, bilinear, bicubic or trilinear interpolation",
        message: MessagePrefix + "interpolates with a backward pass that accumulates with atomic adds; nearest-neighbour modes are deterministic",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor GridSampleBackwardRule = RuleHelp.Rule(
        RuleIds.GridSampleBackward,
        title: "Backward of grid_sample",
        message: MessagePrefix + "has a backward pass that accumulates with atomic adds",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor NllLossRule = RuleHelp.Rule(
        RuleIds.NllLoss,
        title: "NLL loss with reduction",
        message: MessagePrefix + "reduces with atomic adds on CUDA (the 2-D kernel), so the loss differs in its last bits on every run; reduction: None is deterministic",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor CtcLossBackwardRule = RuleHelp.Rule(
        RuleIds.CtcLossBackward,
        title: "Backward of CTC loss",
        message: MessagePrefix + "has a nondeterministic backward pass",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor EmbeddingBagMaxRule = RuleHelp.Rule(
        RuleIds.EmbeddingBagMax,
        title: "EmbeddingBag in max mode",
        message: MessagePrefix + "in mode Max has a backward pass that accumulates with atomic adds",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor HistcRule = RuleHelp.Rule(
        RuleIds.Histc,
        title: "histc on CUDA",
        message: MessagePrefix + "counts floating-point input with atomic adds",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor WeightedBincountRule = RuleHelp.Rule(
        RuleIds.WeightedBincount,
        title: "bincount with weights",
        message: MessagePrefix + "adds the weights with atomic adds, so the totals differ in their last bits on every run",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor KthValueRule = RuleHelp.Rule(
        RuleIds.KthValue,
        title: "kthvalue on CUDA",
        message: MessagePrefix + "is nondeterministic on CUDA",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor CumulativeSumRule = RuleHelp.Rule(
        RuleIds.CumulativeSum,
        title: "cumsum on CUDA",
        message: MessagePrefix + "on floating-point CUDA tensors adds in a parallel order, so prefix sums differ in their last bits between runs",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    private static readonly DiagnosticDescriptor FusedAttentionBackwardRule = RuleHelp.Rule(
        RuleIds.FusedAttentionBackward,
        title: "Backward of fused scaled-dot-product attention",
        message: MessagePrefix + "uses the flash or memory-efficient kernels on CUDA, whose backward passes are nondeterministic",
        RuleCategories.Operations,
        DiagnosticSeverity.Warning,
        Description);

    public static ImmutableArray<OperationRule> Rules { get; } = ImmutableArray.Create(
        new OperationRule(
            IndexAddRule,
            DeviceScope.Cuda,
            OnTorch("index_add", "index_add_"),
            OnTensor("index_add", "index_add_")),
        new OperationRule(
            ScatterAddRule,
            DeviceScope.Cuda,
            OnTorch("scatter_add", "scatter_add_"),
            OnTensor("scatter_add", "scatter_add_")),
        new OperationRule(
            ScatterRule,
            DeviceScope.Cuda,
            OnTorch("scatter", "scatter_"),
            OnTensor("scatter", "scatter_")),
        new OperationRule(
            IndexPutRule,
            DeviceScope.Any,
            new OperationMatch(symbols => symbols.Tensor, Tensor, new[] { "index_put_" }, IndexPutScope)),
        new OperationRule(
            IndexCopyRule,
            DeviceScope.Any,
            OnTorch("index_copy", "index_copy_"),
            OnTensor("index_copy", "index_copy_")),
        new OperationRule(
            IndexingBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnTorch("gather", "index_select", "repeat_interleave"),
            OnTensor("gather", "index_select", "repeat_interleave")),
        new OperationRule(
            CudnnConvolutionRule,
            DeviceScope.Cuda,
            OnNn("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"),
            OnFunctional("conv1d", "conv2d", "conv3d", "conv1d_padding", "conv2d_padding", "conv3d_padding", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")),
        new OperationRule(
            PaddingBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnNn("ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d"),
            new OperationMatch(symbols => symbols.Functional, Functional, new[] { "pad" }, EnumIn("mode", "Reflect", "Replicate")),
            new OperationMatch(symbols => symbols.Nn, Nn, new[] { "Conv1d", "Conv2d", "Conv3d" }, EnumIn("padding_mode", "Reflect", "Replicate"))),
        new OperationRule(
            PoolingBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnNn("AvgPool3d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "MaxPool3d", "AdaptiveMaxPool2d", "FractionalMaxPool2d", "FractionalMaxPool3d"),
            OnFunctional("avg_pool3d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "max_pool3d", "adaptive_max_pool2d", "fractional_max_pool2d", "fractional_max_pool3d")),
        new OperationRule(
            MaxUnpoolRule,
            DeviceScope.Any,
            OnNn("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"),
            OnFunctional("max_unpool1d", "max_unpool2d", "max_unpool3d")),
        new OperationRule(
            InterpolationBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            new OperationMatch(symbols => symbols.Functional, Functional, new[] { "interpolate" }, EnumIn("mode", "Linear", "Bilinear", "Bicubic", "Trilinear")),
            new OperationMatch(symbols => symbols.Functional, Functional, new[] { "upsample" }, EnumIn("mode", "Linear", "Bilinear", "Bicubic", "Trilinear")),
            new OperationMatch(symbols => symbols.Nn, Nn, new[] { "Upsample" }, EnumIn("mode", "Linear", "Bilinear", "Bicubic", "Trilinear")),
            OnFunctional("upsample_bilinear")),
        new OperationRule(
            GridSampleBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnFunctional("grid_sample")),
        new OperationRule(
            NllLossRule,
            DeviceScope.Cuda,
            new OperationMatch(symbols => symbols.Nn, Nn, new[] { "NLLLoss" }, SpatialLoss),
            new OperationMatch(symbols => symbols.Functional, Functional, new[] { "nll_loss" }, SpatialLoss)),
        new OperationRule(
            CtcLossBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnNn("CTCLoss"),
            OnFunctional("ctc_loss")),
        new OperationRule(
            EmbeddingBagMaxRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            new OperationMatch(symbols => symbols.Nn, Nn, new[] { "EmbeddingBag", "EmbeddingBag_from_pretrained" }, EnumIn("mode", "Max"))),
        new OperationRule(
            HistcRule,
            DeviceScope.Cuda,
            OnTorch("histc"),
            OnTensor("histc")),
        new OperationRule(
            WeightedBincountRule,
            DeviceScope.Cuda,
            new OperationMatch(symbols => symbols.Torch, Torch, new[] { "bincount" }, HasWeights),
            new OperationMatch(symbols => symbols.Tensor, Tensor, new[] { "bincount" }, HasWeights)),
        new OperationRule(
            KthValueRule,
            DeviceScope.Cuda,
            OnTorch("kthvalue"),
            OnTensor("kthvalue")),
        new OperationRule(
            CumulativeSumRule,
            DeviceScope.Cuda,
            OnTorch("cumsum"),
            OnTensor("cumsum")),
        new OperationRule(
            FusedAttentionBackwardRule,
            DeviceScope.Cuda,
            backwardOnly: true,
            OnFunctional("scaled_dot_product_attention")));

    private static OperationMatch OnTorch(params string[] names) => new(symbols => symbols.Torch, Torch, names);

    private static OperationMatch OnTensor(params string[] names) => new(symbols => symbols.Tensor, Tensor, names);

    private static OperationMatch OnNn(params string[] names) => new(symbols => symbols.Nn, Nn, names);

    private static OperationMatch OnFunctional(params string[] names) => new(symbols => symbols.Functional, Functional, names);

    /// <summary>Nondeterministic when the enum argument is one of <paramref name="members"/> or not a constant.</summary>
    private static ArgumentCondition EnumIn(string parameter, params string[] members) => (arguments, scope, _) =>
        arguments.Argument(parameter) is not { } argument || argument.EnumMemberName() is not { } name || members.Contains(name) ? scope : null;

    /// <summary>Nondeterministic unless the enum argument is constantly one of <paramref name="members"/>.</summary>
    private static ArgumentCondition EnumNotIn(string parameter, params string[] members) => (arguments, scope, _) =>
        arguments.Argument(parameter)?.EnumMemberName() is { } name && members.Contains(name) ? null : scope;

    // Only PyTorch's 2-D (spatial, per-pixel) NLL kernel is nondeterministic; a classifier's (N, C) input is not. The
    // rank is unknown at compile time, so the rule reports only where the file also builds a spatial decoder (a
    // transposed convolution, upsampling, interpolation, pixel shuffle): the shape of segmentation code.
    private static DeviceScope? SpatialLoss(ImmutableArray<IArgumentOperation> arguments, DeviceScope scope, TorchSymbols torch) =>
        EnumNotIn("reduction", "None")(arguments, scope, torch) is { } nondeterministic
        && arguments.Length > 0 && SpatialDecoders.AppearIn(arguments[0].Syntax.SyntaxTree)
            ? nondeterministic
            : null;

    private static DeviceScope? HasWeights(ImmutableArray<IArgumentOperation> arguments, DeviceScope scope, TorchSymbols torch) =>
        arguments.Argument("weights") is { } weights && !weights.IsDefaulted() && !weights.Value.IsNullConstant() ? scope : null;

    // Only a repeated index makes index_put_ nondeterministic: indices that cannot repeat, or one number written to
    // every position, are safe. Otherwise accumulate=true adds in a parallel order on CPU; accumulate=false (or
    // absent) leaves an arbitrary survivor on any device.
    private static DeviceScope? IndexPutScope(ImmutableArray<IArgumentOperation> arguments, DeviceScope scope, TorchSymbols torch)
    {
        if (TensorIndices.CannotRepeat(arguments.Argument("indices"), torch)
            || (arguments.Argument("value") is { } value && TensorIndices.IsOneNumber(value.Value, torch)))
        {
            return null;
        }

        return arguments.Argument("accumulate")?.Constant() is { HasValue: true, Value: true } ? DeviceScope.Cpu : DeviceScope.Any;
    }
}
