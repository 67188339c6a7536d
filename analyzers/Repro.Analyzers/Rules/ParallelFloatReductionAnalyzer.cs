using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1015: floating-point addition is not associative, so a parallel sum (PLINQ <c>Sum</c>, <c>Average</c>,
/// <c>Aggregate</c>, or <c>Parallel.For</c>/<c>ForEach</c> with a float or double thread-local total) rounds
/// differently depending on how the work was split and in which order the partial sums met.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ParallelFloatReductionAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.ParallelFloatReduction,
        title: "Parallel floating-point reduction",
        message: "'{0}' adds {1} values in a thread-dependent order; floating-point addition is not associative, so the result can differ in its last bits on every run",
        RuleCategories.DataOrder,
        DiagnosticSeverity.Warning,
        description: "(a + b) + c and a + (b + c) round differently in floating point. Parallel reductions combine partial "
            + "results in the order threads finish, so the same data gives slightly different losses, metrics and "
            + "statistics, which training then amplifies. Reduce sequentially, in a fixed partition order, or in integers.");

    private static readonly HashSet<string> Reductions = new(StringComparer.Ordinal) { "Sum", "Average", "Aggregate" };

    // Every name the rule looks at: a call spelled otherwise is turned away before its symbol is read.
    private static readonly HashSet<string> CandidateNames = new(Reductions.Concat(new[] { "For", "ForEach" }), StringComparer.Ordinal);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var plinq = start.Compilation.GetTypeByMetadataName("System.Linq.ParallelEnumerable");
            var parallel = start.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
            start.RegisterOperationAction(
                operation =>
                {
                    if (!operation.Operation.MaySpell(CandidateNames))
                    {
                        return;
                    }

                    var invocation = (IInvocationOperation)operation.Operation;
                    var method = invocation.TargetMethod.Unreduced();
                    var type = method.ContainingType;
                    ITypeSymbol? accumulated = null;
                    if (Reductions.Contains(method.Name) && SymbolEqualityComparer.Default.Equals(type, plinq))
                    {
                        accumulated = method.ReturnType;
                    }
                    else if (method.Name is "For" or "ForEach" && SymbolEqualityComparer.Default.Equals(type, parallel)
                        && method.Parameters.Any(parameter => parameter.Name == "localFinally"))
                    {
                        // Parallel.For<TLocal>: the thread-local total is the last type argument.
                        accumulated = method.TypeArguments.LastOrDefault();
                    }

                    if (FloatingPointName(accumulated) is { } name)
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, Locations.OfCall(invocation.Syntax), type.Name + "." + method.Name, name));
                    }
                },
                OperationKind.Invocation);
        });
    }

    private static string? FloatingPointName(ITypeSymbol? type)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            type = nullable.TypeArguments[0];
        }

        return type?.SpecialType switch
        {
            SpecialType.System_Single => "float",
            SpecialType.System_Double => "double",
            _ => null,
        };
    }
}
