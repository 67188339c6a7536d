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

    // Operation blocks are kept, not walked: only the members an entry point reaches are ever summarized, so a
    // program pays for the code its entry points run, not for every member of the project.
    private readonly ConcurrentDictionary<IMethodSymbol, ImmutableArray<IOperation>> _blocks = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentBag<(INamedTypeSymbol Type, Location Location, IOperation Block)> _initializers = new();
    private readonly ConcurrentBag<IMethodSymbol> _tests = new();
    private readonly TorchSymbols _torch;

    public FlowCollection(TorchSymbols torch)
    {
        _torch = torch;
    }

    public void Add(OperationBlockAnalysisContext block)
    {
        switch (block.OwningSymbol)
        {
            case IMethodSymbol method:
                if (method.GetAttributes().Any(attribute => attribute.AttributeClass is { } type && s_testAttributes.Contains(type.Name)))
                {
                    _tests.Add(method);
                }

                _blocks[method.OriginalDefinition] = block.OperationBlocks;
                break;
            case IFieldSymbol { IsStatic: false } field when !block.OperationBlocks.IsEmpty:
                _initializers.Add((field.ContainingType.OriginalDefinition, field.Locations.FirstOrDefault() ?? Location.None, block.OperationBlocks[0]));
                break;
            case IPropertySymbol { IsStatic: false } property when !block.OperationBlocks.IsEmpty:
                _initializers.Add((property.ContainingType.OriginalDefinition, property.Locations.FirstOrDefault() ?? Location.None, block.OperationBlocks[0]));
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
        var initializers = new Dictionary<INamedTypeSymbol, ImmutableArray<IOperation>>(SymbolEqualityComparer.Default);
        foreach (var group in _initializers.GroupBy(i => i.Type, SymbolEqualityComparer.Default))
        {
            // C# runs instance field initializers in declaration order.
            initializers[(INamedTypeSymbol)group.Key!] = group
                .OrderBy(i => i.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(i => i.Location.SourceSpan.Start)
                .Select(i => i.Block).ToImmutableArray();
        }

        return new SeedingFlow(new FlowSource(_torch, new Dictionary<IMethodSymbol, ImmutableArray<IOperation>>(_blocks, SymbolEqualityComparer.Default), initializers));
    }
}

/// <summary>Summaries of members on demand, each made once: the bodies and initializers the flow asks for.</summary>
internal sealed class FlowSource
{
    private readonly Dictionary<IMethodSymbol, ImmutableArray<IOperation>> _blocks;
    private readonly Dictionary<INamedTypeSymbol, ImmutableArray<IOperation>> _initializerBlocks;
    private readonly Dictionary<IMethodSymbol, FlowNode?> _bodies = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, ImmutableArray<FlowNode>> _initializers = new(SymbolEqualityComparer.Default);
    private readonly FlowSummarizer _summarizer;

    public FlowSource(TorchSymbols torch, Dictionary<IMethodSymbol, ImmutableArray<IOperation>> blocks, Dictionary<INamedTypeSymbol, ImmutableArray<IOperation>> initializers)
    {
        _blocks = blocks;
        _initializerBlocks = initializers;
        _summarizer = new FlowSummarizer(torch, (local, node) => _bodies[local.OriginalDefinition] = node);
    }

    /// <summary>Whether the method has a body in this compilation (an implicit constructor has none).</summary>
    public bool HasBody(IMethodSymbol method) => _blocks.ContainsKey(method);

    public FlowNode? Body(IMethodSymbol method)
    {
        if (_bodies.TryGetValue(method, out var known))
        {
            return known;
        }

        FlowNode? body = null;
        if (_blocks.TryGetValue(method, out var blocks))
        {
            var nodes = blocks.Select(_summarizer.Summarize).Where(node => node is not null).Select(node => node!).ToImmutableArray();
            body = nodes.Length switch
            {
                0 => null,
                1 => nodes[0],
                _ => new SequenceNode(nodes),
            };
        }

        _bodies[method] = body;
        return body;
    }

    public ImmutableArray<FlowNode> Initializers(INamedTypeSymbol type)
    {
        if (!_initializers.TryGetValue(type, out var initializers))
        {
            initializers = _initializerBlocks.TryGetValue(type, out var blocks)
                ? blocks.Select(_summarizer.Summarize).Where(node => node is not null).Select(node => node!).ToImmutableArray()
                : ImmutableArray<FlowNode>.Empty;
            _initializers[type] = initializers;
        }

        return initializers;
    }
}
