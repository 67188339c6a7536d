using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Seeding;

/// <summary>
/// The summaries of every method body and instance field initializer of a compilation, gathered from concurrent
/// operation-block actions, and the entry points to run them from: <c>Main</c> (or the top-level statements) and
/// test methods (xUnit, NUnit, MSTest, TUnit), each of whose classes is constructed before the test runs.
/// </summary>
internal sealed class FlowCollection
{
    private static readonly ImmutableHashSet<string> s_testAttributes = ImmutableHashSet.Create(
        "FactAttribute", "TheoryAttribute", "SkippableFactAttribute", "SkippableTheoryAttribute", "TestAttribute",
        "TestCaseAttribute", "TestCaseSourceAttribute", "TestMethodAttribute", "DataTestMethodAttribute");

    private readonly ConcurrentDictionary<IMethodSymbol, FlowNode> _bodies = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentBag<(INamedTypeSymbol Type, Location Location, FlowNode Node)> _initializers = new();
    private readonly ConcurrentBag<IMethodSymbol> _tests = new();
    private readonly TorchSymbols _torch;

    public FlowCollection(TorchSymbols torch)
    {
        _torch = torch;
    }

    public void Add(OperationBlockAnalysisContext block)
    {
        var summarizer = new FlowSummarizer(_torch, (local, node) => _bodies[local.OriginalDefinition] = node);
        var nodes = block.OperationBlocks.Select(summarizer.Summarize).Where(node => node is not null).Select(node => node!).ToImmutableArray();
        switch (block.OwningSymbol)
        {
            case IMethodSymbol method:
                if (method.GetAttributes().Any(attribute => attribute.AttributeClass is { } type && s_testAttributes.Contains(type.Name)))
                {
                    _tests.Add(method);
                }

                if (nodes.Length > 0)
                {
                    _bodies[method.OriginalDefinition] = nodes.Length == 1 ? nodes[0] : new SequenceNode(nodes);
                }

                break;
            case IFieldSymbol { IsStatic: false } field when nodes.Length > 0:
                _initializers.Add((field.ContainingType.OriginalDefinition, field.Locations.FirstOrDefault() ?? Location.None, nodes[0]));
                break;
            case IPropertySymbol { IsStatic: false } property when nodes.Length > 0:
                _initializers.Add((property.ContainingType.OriginalDefinition, property.Locations.FirstOrDefault() ?? Location.None, nodes[0]));
                break;
        }
    }

    /// <summary>Main or the top-level statements, then every test method, with the name a message gives each.</summary>
    public IEnumerable<(IMethodSymbol Method, string Name, bool IsTest)> EntryPoints(Compilation compilation, System.Threading.CancellationToken cancellation)
    {
        if (compilation.GetEntryPoint(cancellation) is { } main)
        {
            yield return (main, main.Name == "<Main>$" ? "the top-level statements" : main.ContainingType.Name + "." + main.Name, false);
        }

        foreach (var test in _tests.OrderBy(t => t.ToDisplayString(), System.StringComparer.Ordinal))
        {
            yield return (test, "the test " + test.ContainingType.Name + "." + test.Name, true);
        }
    }

    public SeedingFlow CreateFlow()
    {
        var initializers = new Dictionary<INamedTypeSymbol, ImmutableArray<FlowNode>>(SymbolEqualityComparer.Default);
        foreach (var group in _initializers.GroupBy(i => i.Type, SymbolEqualityComparer.Default))
        {
            // C# runs instance field initializers in declaration order.
            initializers[(INamedTypeSymbol)group.Key!] = group
                .OrderBy(i => i.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(i => i.Location.SourceSpan.Start)
                .Select(i => i.Node).ToImmutableArray();
        }

        return new SeedingFlow(new Dictionary<IMethodSymbol, FlowNode>(_bodies, SymbolEqualityComparer.Default), initializers);
    }
}
