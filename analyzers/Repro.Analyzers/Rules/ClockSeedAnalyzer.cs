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
/// REPRO1004: a seed computed from the clock or a fresh identity (<c>DateTime.Now</c>, <c>Environment.TickCount</c>,
/// <c>Stopwatch.GetTimestamp()</c>, <c>Guid.NewGuid()</c>, the process id) is a seed in name only. The rule follows
/// the value into <c>new Random(seed)</c>, every torch <c>manual_seed</c>, a DataLoader's <c>seed</c> and Repro's
/// <c>TorchSeeds.ManualSeed</c>, through locals assigned in the same member.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ClockSeedAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.Rule(
        RuleIds.ClockSeed,
        title: "Seed taken from the clock or a new identity",
        message: "The seed passed to '{0}' comes from '{1}': it differs on every run, so the run cannot be repeated; use a fixed seed the run records",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "Seeding from the time, a tick count, a timestamp, a new GUID or the process id gives every run a "
            + "different seed, which is the same as not seeding at all. Take the seed from configuration and record it.");

    // The calls that take a seed, by name: a call spelled otherwise is turned away before its symbol is read.
    private static readonly HashSet<string> s_seedSinkNames = new(StringComparer.Ordinal) { "manual_seed", "manual_seed_all", "ManualSeed", "DataLoader" };

    // Depth of local-to-local assignments followed; deeper chains are rare and the walk stays cheap.
    private const int MaximumDepth = 8;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            var sources = new ClockSources(start.Compilation);
            var torch = TorchSymbols.TryCreate(start.Compilation);
            var random = start.Compilation.GetTypeByMetadataName("System.Random");

            start.RegisterOperationAction(
                operation =>
                {
                    if (!operation.Operation.MaySpell(s_seedSinkNames))
                    {
                        return;
                    }

                    var method = operation.Operation.CallTarget();
                    if (method is null || !IsSeedSink(method, random, torch) || operation.Operation.CallArguments() is not { } arguments)
                    {
                        return;
                    }

                    foreach (var argument in arguments)
                    {
                        if (argument.Parameter is { } parameter
                            && parameter.Name.Equals("seed", StringComparison.OrdinalIgnoreCase)
                            && !argument.IsDefaulted()
                            && sources.Find(argument.Value, operation.Operation.Root(), new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default), 0) is { } source)
                        {
                            var sink = method.MethodKind == MethodKind.Constructor
                                ? "new " + method.ContainingType.Name
                                : method.ContainingType.Name + "." + method.Name;
                            operation.ReportDiagnostic(Diagnostic.Create(Rule, argument.Value.Syntax.GetLocation(), sink, source));
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);
        });
    }

    private static bool IsSeedSink(IMethodSymbol method, INamedTypeSymbol? random, TorchSymbols? torch)
    {
        // By name first: almost every call in a project is none of these, and a string comparison is the cheapest no.
        if (method.MethodKind != MethodKind.Constructor && method.Name is not ("manual_seed" or "manual_seed_all" or "ManualSeed" or "DataLoader"))
        {
            return false;
        }

        var type = method.ContainingType.OriginalDefinition;
        if (method.MethodKind == MethodKind.Constructor && SymbolEqualityComparer.Default.Equals(type, random))
        {
            return true;
        }

        return torch is not null
            && (TorchSymbols.Is(type, torch.Torch) || TorchSymbols.Is(type, torch.Random) || TorchSymbols.Is(type, torch.Cuda)
                || TorchSymbols.Is(type, torch.Generator) || TorchSymbols.Is(type, torch.ReproTorchSeeds)
                || torch.IsDataLoaderFactory(method));
    }

    /// <summary>The clock and identity members, resolved once per compilation.</summary>
    private sealed class ClockSources
    {
        private readonly ImmutableArray<(ISymbol Member, string Name)> _members;

        public ClockSources(Compilation compilation)
        {
            var builder = ImmutableArray.CreateBuilder<(ISymbol, string)>();
            Add(compilation, builder, "System.DateTime", "Now", "UtcNow", "Today");
            Add(compilation, builder, "System.DateTimeOffset", "Now", "UtcNow");
            Add(compilation, builder, "System.Environment", "TickCount", "TickCount64", "ProcessId");
            Add(compilation, builder, "System.Diagnostics.Stopwatch", "GetTimestamp");
            Add(compilation, builder, "System.Guid", "NewGuid");
            _members = builder.ToImmutable();
        }

        /// <summary>The clock or identity member <paramref name="value"/> is computed from, following locals.</summary>
        public string? Find(IOperation value, IOperation root, HashSet<ILocalSymbol> visited, int depth)
        {
            foreach (var node in value.DescendantsAndSelf())
            {
                var member = node switch
                {
                    IPropertyReferenceOperation property => (ISymbol)property.Property,
                    IInvocationOperation invocation => invocation.TargetMethod,
                    _ => null,
                };
                if (member is not null && Name(member) is { } name)
                {
                    return name;
                }

                if (node is ILocalReferenceOperation local && depth < MaximumDepth && visited.Add(local.Local))
                {
                    foreach (var assigned in AssignedValues(root, local.Local))
                    {
                        if (Find(assigned, root, visited, depth + 1) is { } found)
                        {
                            return found;
                        }
                    }
                }
            }

            return null;
        }

        private string? Name(ISymbol member)
        {
            foreach (var (candidate, name) in _members)
            {
                if (SymbolEqualityComparer.Default.Equals(member, candidate))
                {
                    return name;
                }
            }

            return null;
        }

        private static IEnumerable<IOperation> AssignedValues(IOperation root, ILocalSymbol local)
        {
            foreach (var node in root.Descendants())
            {
                switch (node)
                {
                    case IVariableDeclaratorOperation declarator
                        when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) && declarator.Initializer is { } initializer:
                        yield return initializer.Value;
                        break;
                    case IAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                        when SymbolEqualityComparer.Default.Equals(target.Local, local):
                        yield return assignment.Value;
                        break;
                }
            }
        }

        private static void Add(
            Compilation compilation, ImmutableArray<(ISymbol, string)>.Builder builder, string typeName, params string[] members)
        {
            if (compilation.GetTypeByMetadataName(typeName) is not { } type)
            {
                return;
            }

            foreach (var name in members)
            {
                foreach (var member in type.GetMembers(name).Where(member => member.IsStatic))
                {
                    builder.Add((member, type.Name + "." + name));
                }
            }
        }
    }
}
