using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1001: <c>new System.Random()</c> without a seed draws a different sequence in every process,
/// so a run that uses it cannot be repeated.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnseededRandomAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = new(
        RuleIds.UnseededRandom,
        title: "System.Random is created without a seed",
        messageFormat: "'new Random()' seeds itself from the system: every run draws different numbers; pass a seed",
        category: RuleCategories.Randomness,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "A System.Random created without a seed is seeded from an unpredictable source, so shuffles, splits, "
            + "augmentations and initialisations that use it differ on every run. Pass a seed that the run records.",
        helpLinkUri: RuleHelp.For(RuleIds.UnseededRandom));

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            // Resolve the type once per compilation, not once per node.
            var random = start.Compilation.GetTypeByMetadataName("System.Random");
            if (random is null)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var creation = (IObjectCreationOperation)operation.Operation;
                    if (creation.Arguments.Length == 0
                        && SymbolEqualityComparer.Default.Equals(creation.Type, random))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, creation.Syntax.GetLocation()));
                    }
                },
                OperationKind.ObjectCreation);
        });
    }
}
