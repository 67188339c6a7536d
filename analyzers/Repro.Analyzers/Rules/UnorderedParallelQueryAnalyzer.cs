using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1014: a PLINQ query without <c>AsOrdered()</c> yields results in the order the worker threads finish, so a
/// list built from it (samples, features, batches) is ordered differently on every run.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnorderedParallelQueryAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.UnorderedParallelQuery,
        title: "Parallel query without AsOrdered",
        message: "The results of 'AsParallel()' come back in thread-completion order, which differs on every run: add AsOrdered() or sort the results",
        RuleCategories.DataOrder,
        DiagnosticSeverity.Warning,
        description: "PLINQ does not preserve the source order unless asked to. Data prepared with AsParallel() and then "
            + "listed, batched or enumerated is in a different order on every run. AsOrdered() keeps the source order at "
            + "a small cost; an ordering operator does as well.");

    // Operators after which order no longer matters (or is restored); AsOrdered is the fix itself.
    private static readonly ImmutableHashSet<string> OrderSettled = ImmutableHashSet.Create(
        "AsOrdered", "OrderBy", "OrderByDescending", "Order", "OrderDescending",
        "Count", "LongCount", "Any", "All", "Contains", "Min", "Max", "Sum", "Average", "Aggregate",
        "ToDictionary", "ToLookup", "ToHashSet", "ForAll");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (start.Compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable") is not { } parallel)
            {
                return;
            }

            start.RegisterOperationAction(
                operation =>
                {
                    var invocation = (IInvocationOperation)operation.Operation;
                    if (invocation.TargetMethod.Unreduced().Is(parallel, "AsParallel") && !OrderIsSettled(invocation, parallel))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(invocation.Syntax)));
                    }
                },
                OperationKind.Invocation);
        });
    }

    /// <summary>Follows the query chain (each operator receives the previous one) looking for an operator that settles order.</summary>
    private static bool OrderIsSettled(IOperation query, INamedTypeSymbol parallel)
    {
        var current = query;
        while (true)
        {
            var parent = current.Parent;
            while (parent is IConversionOperation or IArgumentOperation)
            {
                current = parent;
                parent = parent.Parent;
            }

            if (parent is not IInvocationOperation call
                || !SymbolEqualityComparer.Default.Equals(call.TargetMethod.Unreduced().ContainingType, parallel)
                || !call.Arguments.Any(argument => argument == current))
            {
                return false;
            }

            if (OrderSettled.Contains(call.TargetMethod.Name))
            {
                return true;
            }

            current = call;
        }
    }
}
