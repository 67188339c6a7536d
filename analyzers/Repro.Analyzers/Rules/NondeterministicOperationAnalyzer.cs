using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;
using Repro.Analyzers.Operations;

namespace Repro.Analyzers.Rules;

/// <summary>
/// REPRO2001–REPRO2021: TorchSharp operations on PyTorch's nondeterministic list (<see cref="OperationCatalog"/>),
/// as calls, method groups, module factories and functional forms; and REPRO2005, assignment through a tensor
/// index (<c>t[indices] = v</c>), which is <c>index_put_</c> without accumulation.
/// Rules about CUDA kernels are silent where <c>repro_target_device = cpu</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NondeterministicOperationAnalyzer : DiagnosticAnalyzer
{
    internal static readonly DiagnosticDescriptor IndexedAssignmentRule = RuleHelp.Rule(
        RuleIds.TensorIndexedAssignment,
        title: "Assignment through tensor indices",
        message: "Assigning through tensor indices is index_put_ without accumulation: when an index repeats, which value survives is arbitrary on every device",
        RuleCategories.Operations,
        DiagnosticSeverity.Info,
        description: "t[indexTensor] = values writes every listed position; with repeated indices the writes race and the "
            + "surviving value differs between runs. Boolean masks and unique indices are deterministic, which the "
            + "analyzer cannot see, hence information rather than a warning.");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        OperationCatalog.Rules.Select(rule => rule.Descriptor).Append(IndexedAssignmentRule).ToImmutableArray();

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

            var lookup = BuildLookup(torch);
            var catalogueNames = new HashSet<string>(lookup.Keys.Select(key => key.Item2), StringComparer.Ordinal);
            var kinds = new CodeKinds(start.Compilation, start.Options, start.CancellationToken);
            start.RegisterOperationAction(
                operation =>
                {
                    if (!operation.Operation.MaySpell(catalogueNames))
                    {
                        return;
                    }

                    var method = operation.Operation.CallTarget();
                    if (method is null || !lookup.TryGetValue((method.ContainingType.OriginalDefinition, method.Name), out var candidates))
                    {
                        return;
                    }

                    var arguments = operation.Operation.CallArguments();

                    var target = TargetDevices.For(operation.Options, operation.Operation.Syntax.SyntaxTree);
                    foreach (var (rule, match) in candidates)
                    {
                        if (rule.BackwardOnly
                            && (kinds.For(operation.Operation.Syntax.SyntaxTree) != CodeKind.Training || GradientScopes.IsInNoGradScope(operation.Operation.Syntax)))
                        {
                            continue;
                        }

                        DeviceScope? scope = rule.Scope;
                        if (match.Condition is { } condition)
                        {
                            // A method group has no arguments to judge: conditional rows stay silent for it.
                            scope = arguments is { } actual ? condition(actual, rule.Scope, torch) : null;
                        }

                        if (scope is { } occurs && target.CanOccur(occurs))
                        {
                            operation.ReportDiagnostic(Diagnostic.Create(
                                rule.Descriptor, Locations.OfCall(operation.Operation.Syntax), match.Display + "." + method.Name, occurs.Describe()));
                        }
                    }
                },
                OperationKind.Invocation,
                OperationKind.MethodReference);

            start.RegisterOperationAction(
                operation =>
                {
                    var reference = (IPropertyReferenceOperation)operation.Operation;
                    if (IsIndexedAssignment(reference, torch))
                    {
                        operation.ReportDiagnostic(Diagnostic.Create(IndexedAssignmentRule, reference.Syntax.GetLocation()));
                    }
                },
                OperationKind.PropertyReference);
        });
    }

    private static Dictionary<(INamedTypeSymbol, string), List<(OperationRule, OperationMatch)>> BuildLookup(TorchSymbols torch)
    {
        var lookup = new Dictionary<(INamedTypeSymbol, string), List<(OperationRule, OperationMatch)>>(TypeAndNameComparer.Instance);
        foreach (var rule in OperationCatalog.Rules)
        {
            foreach (var match in rule.Matches)
            {
                if (match.Type(torch) is not { } type)
                {
                    continue;
                }

                foreach (var name in match.Names)
                {
                    if (!lookup.TryGetValue((type, name), out var list))
                    {
                        lookup[(type, name)] = list = new List<(OperationRule, OperationMatch)>();
                    }

                    list.Add((rule, match));
                }
            }
        }

        return lookup;
    }

    private static bool IsIndexedAssignment(IPropertyReferenceOperation reference, TorchSymbols torch)
    {
        if (!reference.Property.IsIndexer || !TorchSymbols.Is(reference.Property.ContainingType, torch.Tensor)
            || reference.Parent is not IAssignmentOperation assignment || assignment.Target != reference)
        {
            return false;
        }

        // Assigning one number cannot race; otherwise it is nondeterministic only when an index can repeat.
        if (TensorIndices.IsOneNumber(assignment.Value, torch))
        {
            return false;
        }

        return reference.Arguments.Any(argument => argument.Value.WithoutConversions() switch
        {
            IArrayCreationOperation { Initializer: { } initializer } =>
                initializer.ElementValues.Any(element => TensorIndices.IsMadeFromTensor(element.WithoutConversions(), torch) && !TensorIndices.IndexCannotRepeat(element, torch)),
            var value => value.Type is IArrayTypeSymbol { ElementType: var element } && TorchSymbols.Is(element, torch.Tensor),
        });
    }

    private sealed class TypeAndNameComparer : IEqualityComparer<(INamedTypeSymbol Type, string Name)>
    {
        public static readonly TypeAndNameComparer Instance = new();

        public bool Equals((INamedTypeSymbol Type, string Name) x, (INamedTypeSymbol Type, string Name) y) =>
            SymbolEqualityComparer.Default.Equals(x.Type, y.Type) && x.Name == y.Name;

        public int GetHashCode((INamedTypeSymbol Type, string Name) obj) =>
            SymbolEqualityComparer.Default.GetHashCode(obj.Type) ^ obj.Name.GetHashCode();
    }
}
