using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1012: four TorchVision transforms draw from a <c>new Random()</c> of their own, which neither
/// <c>manual_seed</c> nor any argument reaches.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnseedableVisionTransformAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.UnseedableVisionTransform,
        title: "TorchVision transform draws from an unseeded generator",
        message: "'transforms.{0}' draws from its own unseeded System.Random: its augmentations differ on every run and no seed reaches it; write the transform with a generator you seed",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "RandomResizedCrop, RandomRotation, RandomPerspective and RandomOrder in TorchVision 0.107 create a "
            + "System.Random without a seed internally. torch.manual_seed does not affect them, so augmented data differs "
            + "between runs whatever the program does.");

    private static readonly ImmutableHashSet<string> Transforms = ImmutableHashSet.Create(
        "RandomResizedCrop", "RandomRotation", "RandomPerspective", "RandomOrder");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchSymbols.TryCreate(start.Compilation)?.VisionTransforms is not { } transforms)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var method = operation.Operation.CallTarget();
                    if (method is not null && Transforms.Contains(method.Name) && TorchSymbols.Is(method.ContainingType, transforms))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(operation.Operation.Syntax), method.Name));
                    }
                },
                OperationKind.Invocation,
                OperationKind.MethodReference);
        });
    }
}
