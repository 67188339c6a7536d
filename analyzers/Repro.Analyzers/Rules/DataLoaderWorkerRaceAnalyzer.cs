using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO1011: a DataLoader with more than one worker calls the dataset's <c>GetTensor</c> from several threads at
/// once; when <c>GetTensor</c> draws random numbers, which sample gets which draw depends on thread timing, even
/// with every generator seeded. Needs the whole compilation: the dataset is usually declared in another file.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DataLoaderWorkerRaceAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor Rule = RuleHelp.CompilationEndRule(
        RuleIds.DataLoaderWorkerRace,
        title: "Random draws in a dataset read by several DataLoader workers",
        message: "'{0}.GetTensor' draws random numbers and this DataLoader reads it with several workers: which sample gets which draw depends on thread timing; use num_worker: 1 or derive each sample's randomness from its index",
        RuleCategories.Randomness,
        DiagnosticSeverity.Warning,
        description: "With num_worker greater than one, TorchSharp calls Dataset.GetTensor concurrently. A shared generator "
            + "used there hands out its sequence in whatever order the threads arrive, so augmentations are paired with "
            + "different samples on every run although every seed is fixed.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (TorchSymbols.TryCreate(start.Compilation) is not { } torch)
            {
                return;
            }

            var random = start.Compilation.GetTypeByMetadataName("System.Random");
            var gate = new object();
            var drawingDatasets = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            var loaders = new List<(Location Location, ITypeSymbol Dataset)>();

            start.RegisterOperationAction(
                operation =>
                {
                    switch (operation.Operation)
                    {
                        case IInvocationOperation invocation when IsDrawInGetTensor(invocation, operation.ContainingSymbol, random, torch):
                            lock (gate)
                            {
                                drawingDatasets.Add(operation.ContainingSymbol.ContainingType);
                            }

                            break;
                        case var call when ParallelLoaderDataset(call, torch) is { } dataset:
                            lock (gate)
                            {
                                loaders.Add((call.Syntax.GetLocation(), dataset));
                            }

                            break;
                    }
                },
                OperationKind.Invocation,
                OperationKind.ObjectCreation);

            start.RegisterCompilationEndAction(end =>
            {
                lock (gate)
                {
                    foreach (var (location, dataset) in loaders)
                    {
                        if (FirstDrawingType(dataset, drawingDatasets) is { } drawing)
                        {
                            end.ReportDiagnostic(Diagnostic.Create(Rule, location, drawing.Name));
                        }
                    }
                }
            });
        });
    }

    private static bool IsDrawInGetTensor(IInvocationOperation invocation, ISymbol? container, INamedTypeSymbol? random, TorchSymbols torch)
    {
        if (container is not IMethodSymbol { Name: "GetTensor", IsOverride: true })
        {
            return false;
        }

        var method = invocation.TargetMethod;
        var onRandom = random is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, random) && method.Name.StartsWith("Next", System.StringComparison.Ordinal);
        return onRandom || TorchRandomness.DrawsFromGlobalGenerator(method, invocation.Arguments, torch);
    }

    /// <summary>The dataset's static type when <paramref name="call"/> creates a DataLoader with more than one worker.</summary>
    private static ITypeSymbol? ParallelLoaderDataset(IOperation call, TorchSymbols torch)
    {
        if (call.CallTarget() is not { } method || !torch.IsDataLoaderFactory(method) || call.CallArguments() is not { } arguments)
        {
            return null;
        }

        // A worker count that is not a constant 0 or 1 (Environment.ProcessorCount, a setting) is treated as several.
        var workers = arguments.Argument("num_worker");
        if (workers is null || workers.Constant() is { HasValue: true, Value: int count and <= 1 })
        {
            return null;
        }

        return arguments.Argument("dataset")?.Value.WithoutConversions().Type;
    }

    private static INamedTypeSymbol? FirstDrawingType(ITypeSymbol dataset, HashSet<INamedTypeSymbol> drawing)
    {
        for (var type = dataset as INamedTypeSymbol; type is not null; type = type.BaseType)
        {
            if (drawing.Contains(type.OriginalDefinition))
            {
                return type;
            }
        }

        return null;
    }
}
