using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1005: <c>OrderBy(_ =&gt; Guid.NewGuid())</c> is a shuffle with a fresh, unseedable key on every run.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GuidOrderingAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.GuidOrdering,
        title: "Shuffle by new GUIDs",
        message: "'{0}' sorts by Guid.NewGuid(): the order differs on every run and cannot be seeded; shuffle with a Random created with a recorded seed",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "Ordering by Guid.NewGuid() is a popular one-line shuffle. GUIDs are random and unseedable, so the "
            + "resulting order, and every split or batch built from it, differs on every run.");

    private static readonly ImmutableHashSet<string> Orderings = ImmutableHashSet.Create(
        "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending");

    private static readonly ImmutableArray<string> LinqTypes = ImmutableArray.Create(
        "System.Linq.Enumerable", "System.Linq.Queryable", "System.Linq.ParallelEnumerable");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var newGuid = start.Compilation.GetTypeByMetadataName("System.Guid")?.GetMembers("NewGuid").FirstOrDefault();
            var linq = LinqTypes.Select(start.Compilation.GetTypeByMetadataName).Where(type => type is not null).ToImmutableArray();
            if (newGuid is null || linq.IsEmpty)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var invocation = (IInvocationOperation)operation.Operation;
                    var method = invocation.TargetMethod.Unreduced();
                    if (!Orderings.Contains(method.Name) || !linq.Any(type => SymbolEqualityComparer.Default.Equals(type, method.ContainingType)))
                    {
                        return;
                    }

                    var keySelector = invocation.Arguments.Argument("keySelector")?.Value;
                    if (keySelector is not null && keySelector.DescendantsAndSelf().OfType<IInvocationOperation>()
                        .Any(call => SymbolEqualityComparer.Default.Equals(call.TargetMethod, newGuid)))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(invocation.Syntax), method.Name));
                    }
                },
                OperationKind.Invocation);
        });
    }
}
