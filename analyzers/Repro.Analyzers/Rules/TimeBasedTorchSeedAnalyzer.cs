using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1007: <c>torch.seed()</c>, <c>torch.random.seed()</c> and <c>Generator.seed()</c> reseed from the clock
/// (TorchSharp uses <c>DateTime.UtcNow.Ticks</c>), undoing any <c>manual_seed</c> before them.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TimeBasedTorchSeedAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.TimeBasedTorchSeed,
        title: "Torch generator reseeded from the clock",
        message: "'{0}' seeds the generator from the current time: every draw after it differs on every run; call manual_seed with a seed the run records",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "TorchSharp's seed() functions pick a non-deterministic seed (the current time) and return it. Everything "
            + "the generator draws afterwards differs between runs, even after an earlier manual_seed.");

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

            // Invocations and method groups (`Func<long> reseed = torch.seed;`) alike.
            start.RegisterOperationAction(
                operation =>
                {
                    var method = operation.Operation.CallTarget();
                    if (method is { Name: "seed", Parameters.Length: 0 } && IsTorchGenerator(method.ContainingType, torch))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(
                            Rule, Locations.OfCall(operation.Operation.Syntax), method.ContainingType.Name + ".seed()"));
                    }
                },
                OperationKind.Invocation,
                OperationKind.MethodReference);
        });
    }

    private static bool IsTorchGenerator(INamedTypeSymbol type, TorchSymbols torch) =>
        TorchSymbols.Is(type, torch.Torch) || TorchSymbols.Is(type, torch.Random) || TorchSymbols.Is(type, torch.Generator);
}
