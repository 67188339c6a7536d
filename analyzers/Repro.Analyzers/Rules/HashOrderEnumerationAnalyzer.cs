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

    // LINQ operators that pass their source's order on: a chain through them still carries the hash order.
    private static readonly ImmutableHashSet<string> OrderPreserving = ImmutableHashSet.Create(
        "Where", "Select", "SelectMany", "OfType", "Cast", "Distinct", "Skip", "Take", "SkipWhile", "TakeWhile", "Append", "Prepend", "Concat");

    // LINQ operators whose result does not depend on the order they are given: a chain ending in one is silent.
    private static readonly ImmutableHashSet<string> OrderFree = ImmutableHashSet.Create(
        "Count", "LongCount", "Any", "All", "Contains", "Max", "Min", "ToHashSet", "ToDictionary", "ToLookup", "OrderBy", "OrderByDescending", "Order", "OrderDescending");

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
            var text = start.Compilation.GetSpecialType(SpecialType.System_String);
            start.RegisterOperationAction(
                operation =>
                {
                    // The collection's type is checked before anything walks a loop body or a call's consumers: almost
                    // no loop or LINQ call in a project enumerates a hash collection. An order that only reaches a
                    // console, a log or a progress message cannot change what a run computes.
                    var joinsText = operation.Operation is IInvocationOperation { TargetMethod.Name: "Join" or "Concat" } joining
                        && SymbolEqualityComparer.Default.Equals(joining.TargetMethod.ContainingType, text);
                    var source = operation.Operation switch
                    {
                        IForEachLoopOperation loop => ChainSource(loop.Collection.WithoutConversions(), enumerable),
                        IInvocationOperation call when Materialising.Contains(call.TargetMethod.Name)
                            && IsLinq(call, enumerable) && call.Arguments.Length > 0 => ChainSource(call.Arguments[0].Value.WithoutConversions(), enumerable),
                        // string.Join and string.Concat write the elements in enumeration order into text that may be data.
                        IInvocationOperation call when joinsText =>
                            call.Arguments.Select(argument => ChainSource(argument.Value.WithoutConversions(), enumerable)).LastOrDefault(value => IsHashCollection(value.Type, collections)),
                        _ => null,
                    };
                    if (source?.Type is not { } type || !IsHashCollection(type, collections))
                    {
                        return;
                    }

                    var orderOnlyLogged = operation.Operation switch
                    {
                        IForEachLoopOperation loop => LogSinks.OnlyLogs(loop.Body),
                        IInvocationOperation call when joinsText => LogSinks.ReachesOnlySinks(call),
                        IInvocationOperation call => ConsumedByLinq(call, enumerable) || LogSinks.ReachesOnlySinks(call),
                        _ => false,
                    };
                    if (!orderOnlyLogged)
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(Rule, source.Syntax.GetLocation(), type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)));
                    }
                },
                OperationKind.Loop,
                OperationKind.Invocation);
        });
    }

    private static bool IsHashCollection(ITypeSymbol? type, ImmutableArray<INamedTypeSymbol?> collections) =>
        type is not null && collections.Any(candidate => TorchSymbols.Is(type, candidate));

    private static bool IsLinq(IInvocationOperation call, INamedTypeSymbol? enumerable) =>
        SymbolEqualityComparer.Default.Equals(call.TargetMethod.Unreduced().ContainingType, enumerable);

    // The start of a chain of order-preserving operators: counts.Where(…).Select(…) carries the order of counts.
    private static IOperation ChainSource(IOperation value, INamedTypeSymbol? enumerable)
    {
        while (value is IInvocationOperation call && OrderPreserving.Contains(call.TargetMethod.Name) && IsLinq(call, enumerable) && call.Arguments.Length > 0)
        {
            value = call.Arguments[0].Value.WithoutConversions();
        }

        return value;
    }

    // Within a chain only the outermost materialising call reports, so a chain is one diagnostic, not one per operator;
    // a chain that ends in an order-free operator (Count, Max, ToDictionary, a sort) does not report at all.
    private static bool ConsumedByLinq(IInvocationOperation call, INamedTypeSymbol? enumerable)
    {
        var parent = call.Parent;
        while (parent is IConversionOperation)
        {
            parent = parent.Parent;
        }

        return parent is IArgumentOperation { Parent: IInvocationOperation consumer } argument
            && consumer.Arguments.Length > 0 && consumer.Arguments[0] == argument && IsLinq(consumer, enumerable)
            && (Materialising.Contains(consumer.TargetMethod.Name) || OrderPreserving.Contains(consumer.TargetMethod.Name)
                || (OrderFree.Contains(consumer.TargetMethod.Name) && IsPositionFree(call, enumerable)));
    }

    // Whether no operator in the chain depends on positions: Select((item, index) => …), Take, Skip, First and
    // Zip turn the hash order into values, which an order-free consumer (ToDictionary, Count) then keeps.
    private static bool IsPositionFree(IOperation value, INamedTypeSymbol? enumerable)
    {
        while (value is IInvocationOperation call && IsLinq(call, enumerable) && call.Arguments.Length > 0)
        {
            var name = call.TargetMethod.Name;
            if (name is not ("Where" or "Select" or "SelectMany" or "OfType" or "Cast" or "Distinct" or "Append" or "Prepend" or "Concat")
                || call.Arguments.Skip(1).Any(argument => argument.Value.WithoutConversions() is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Symbol.Parameters.Length: > 1 } }))
            {
                return false;
            }

            value = call.Arguments[0].Value.WithoutConversions();
        }

        return true;
    }
}
