using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1016 (information): enumerating a <c>HashSet&lt;T&gt;</c> or <c>Dictionary&lt;TKey, TValue&gt;</c> gives an
/// order no contract promises; building data order (class indices, vocabularies, sample lists) from it can change
/// with a runtime upgrade or a removal. Reported only in projects that use TorchSharp.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HashOrderEnumerationAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.HashOrderEnumeration,
        title: "Data order taken from a hash-based collection",
        message: "Enumerating '{0}' yields an order no contract defines; sort it before it decides indices or sample order",
        RuleCategories.DataOrder,
        DiagnosticSeverity.Info,
        description: "HashSet and Dictionary enumerate in an implementation-defined order: today insertion order until an item "
            + "is removed, after which freed slots are reused. Class-to-index maps, vocabularies and sample lists built by "
            + "enumerating them can silently change. Sort keys ordinally first.");

    private static readonly ImmutableArray<string> HashCollections = ImmutableArray.Create(
        "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.Dictionary`2+KeyCollection",
        "System.Collections.Generic.Dictionary`2+ValueCollection");

    // LINQ operators that materialise the order they are given.
    private static readonly ImmutableHashSet<string> Materialising = ImmutableHashSet.Create(
        "ToList", "ToArray", "Select", "First", "Last", "ElementAt", "Take", "Skip", "Zip");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchSymbols.TryCreate(start.Compilation) is null)
            {
                return;
            }

            var collections = HashCollections.Select(start.Compilation.GetTypeByMetadataName).Where(type => type is not null).ToImmutableArray();
            var enumerable = start.Compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            start.RegisterOperationAction(
                operation =>
                {
                    // An order that only reaches a console, a log or a progress message cannot change what a run computes.
                    var source = operation.Operation switch
                    {
                        IForEachLoopOperation loop when !LogSinks.OnlyLogs(loop.Body) => loop.Collection.WithoutConversions(),
                        IInvocationOperation call when Materialising.Contains(call.TargetMethod.Name)
                            && SymbolEqualityComparer.Default.Equals(call.TargetMethod.Unreduced().ContainingType, enumerable)
                            && call.Arguments.Length > 0 && !LogSinks.ReachesOnlySinks(call) => call.Arguments[0].Value.WithoutConversions(),
                        _ => null,
                    };
                    if (source?.Type is { } type && collections.Any(candidate => TorchSymbols.Is(type, candidate)))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, source.Syntax.GetLocation(), type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
                    }
                },
                OperationKind.Loop,
                OperationKind.Invocation);
        });
    }
}
