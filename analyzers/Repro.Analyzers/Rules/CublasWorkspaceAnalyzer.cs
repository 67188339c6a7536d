using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO2022 (information): matrix products on CUDA go through cuBLAS, which is nondeterministic unless
/// <c>CUBLAS_WORKSPACE_CONFIG</c> is <c>:4096:8</c> or <c>:16:8</c> when the process starts. The analyzer cannot see
/// the environment, so it says it once per project that uses CUDA (or declares <c>repro_target_device = cuda</c>);
/// Repro's run-time report checks the actual value.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CublasWorkspaceAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.CompilationEndRule(
        RuleIds.CublasWorkspace,
        title: "cuBLAS needs CUBLAS_WORKSPACE_CONFIG to be deterministic",
        message: "'{0}' runs on cuBLAS when on CUDA, which is nondeterministic unless CUBLAS_WORKSPACE_CONFIG=:4096:8 (or :16:8) is set before the process starts",
        RuleCategories.Environment,
        DiagnosticSeverity.Info,
        description: "cuBLAS picks reduction strategies per stream and workspace; only a fixed workspace configuration set "
            + "in the environment before the process starts makes matrix products repeatable. Set it in the launcher, the "
            + "container or the CI job. Repro's run-time report records the value the process saw and warns when missing.");

    private static readonly ImmutableHashSet<string> TorchProducts = ImmutableHashSet.Create(
        "matmul", "mm", "bmm", "addmm", "addbmm", "baddbmm", "addmv", "mv", "einsum", "tensordot", "chain_matmul", "inner", "outer");

    private static readonly ImmutableHashSet<string> TensorProducts = ImmutableHashSet.Create("matmul", "mm", "bmm", "addmm", "baddbmm", "mv");

    private static readonly ImmutableHashSet<string> Layers = ImmutableHashSet.Create(
        "Linear", "Bilinear", "LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell", "MultiheadAttention",
        "Transformer", "TransformerEncoderLayer", "TransformerDecoderLayer");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchSymbols.TryCreate(start.Compilation) is not { } torch)
            {
                return;
            }

            var gate = new object();
            var usesCuda = false;
            var products = new List<(Location Location, string Member)>();
            CudaUsage.Register(start, torch, _ =>
            {
                lock (gate)
                {
                    usesCuda = true;
                }
            });
            start.RegisterOperationAction(
                operation =>
                {
                    var method = ((IInvocationOperation)operation.Operation).TargetMethod.Unreduced();
                    if (ProductDisplay(method, torch) is { } member)
                    {
                        lock (gate)
                        {
                            products.Add((Locations.OfCall(operation.Operation.Syntax), member));
                        }
                    }
                },
                OperationKind.Invocation);
            start.RegisterCompilationEndAction(end =>
            {
                lock (gate)
                {
                    var first = Locations.FirstInSource(products
                        .Where(product => TargetDevices.For(end.Options, product.Location.SourceTree!) is var target
                            && target.CanOccur(DeviceScope.Cuda) && (usesCuda || target == TargetDevice.Cuda)));
                    if (first.Location is not null)
                    {
                        end.ReportDiagnostic(Diagnostic.Create(Rule, first.Location, first.Member));
                    }
                }
            });
        });
    }

    private static string? ProductDisplay(IMethodSymbol method, TorchSymbols torch)
    {
        var type = method.ContainingType;
        if (TorchSymbols.Is(type, torch.Torch) && TorchProducts.Contains(method.Name))
        {
            return "torch." + method.Name;
        }

        if (TorchSymbols.Is(type, torch.Tensor) && TensorProducts.Contains(method.Name))
        {
            return "Tensor." + method.Name;
        }

        if (TorchSymbols.Is(type, torch.Functional) && method.Name is "linear" or "bilinear")
        {
            return "nn.functional." + method.Name;
        }

        return TorchSymbols.Is(type, torch.Nn) && Layers.Contains(method.Name) ? "nn." + method.Name : null;
    }
}
