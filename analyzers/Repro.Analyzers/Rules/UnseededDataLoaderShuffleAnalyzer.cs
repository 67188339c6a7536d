using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1010: a TorchSharp DataLoader with <c>shuffle: true</c> and no <c>seed</c> shuffles with its own unseeded
/// <c>System.Random</c>; <c>torch.manual_seed</c> does not reach it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnseededDataLoaderShuffleAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.UnseededDataLoaderShuffle,
        title: "DataLoader shuffles without a seed",
        message: "This DataLoader shuffles without 'seed:': TorchSharp then shuffles with an unseeded System.Random that torch.manual_seed does not reach, so batches differ on every run",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "TorchSharp's DataLoader shuffles with a System.Random of its own. Without the seed argument that "
            + "generator is unseeded, and torch.manual_seed has no effect on it: the order of samples, and so the whole "
            + "training trajectory, changes on every run.");

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

            start.RegisterOperationAction(
                operation =>
                {
                    if (operation.Operation.CallTarget() is { } method && torch.IsDataLoaderFactory(method)
                        && operation.Operation.CallArguments() is { } passed && ShufflesWithoutSeed(passed))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, operation.Operation.Syntax.GetLocation()));
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    // A shuffle flag that is not the constant false counts: a variable may well be true.
    private static bool ShufflesWithoutSeed(ImmutableArray<IArgumentOperation> arguments) =>
        arguments.Argument("shuffle") is { } shuffle
        && shuffle.Constant() is not { HasValue: true, Value: false }
        && (arguments.Argument("seed") is not { } seed || seed.IsDefaulted() || seed.Value.IsNullConstant());
}
