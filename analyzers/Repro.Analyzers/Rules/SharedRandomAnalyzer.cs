using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1002: <c>Random.Shared</c> is seeded by the runtime and cannot be seeded by the program, and every
/// thread draws from it, so no run can repeat what it drew.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedRandomAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.SharedRandom,
        title: "Random.Shared cannot be seeded",
        message: "'Random.Shared' is seeded by the runtime and shared by every thread: what it draws differs on every run; use a Random created with a seed the run records",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "Random.Shared is a process-wide generator with an unpredictable seed that the program cannot set. "
            + "Shuffles, splits or augmentations that draw from it differ on every run.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName("System.Random")?.GetMembers("Shared").FirstOrDefault() is not IPropertySymbol shared)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var reference = (IPropertyReferenceOperation)operation.Operation;
                    if (SymbolEqualityComparer.Default.Equals(reference.Property, shared))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, reference.Syntax.GetLocation()));
                    }
                },
                OperationKind.PropertyReference);
        });
    }
}
