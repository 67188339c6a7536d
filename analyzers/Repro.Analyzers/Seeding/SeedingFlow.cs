using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Repro.Analyzers.Seeding;

/// <summary>Which generators are seeded on every path to a point (a must-analysis: one unseeded path is enough).</summary>
internal readonly record struct SeedState(bool Cpu, bool Cuda)
{
    public static SeedState Meet(SeedState a, SeedState b) => new(a.Cpu && b.Cpu, a.Cuda && b.Cuda);
}

/// <summary>What one run of a method (with everything it calls) does before seeding.</summary>
internal sealed class Findings
{
    public List<DrawNode> UnseededDraws { get; } = new();

    public List<SeedNode> CpuOnlySeeds { get; } = new();

    /// <summary>Whether something was put on CUDA while the CUDA generators were not seeded.</summary>
    public bool CudaBeforeCudaSeed { get; set; }

    /// <summary>
    /// Whether the CUDA generators are seeded anywhere this run can reach, on any branch: seeding them only when
    /// the device is CUDA (<c>if (cuda) torch.cuda.manual_seed(seed)</c>) is the right pattern, not a hazard.
    /// </summary>
    public bool SeedsCudaSomewhere { get; set; }

    public void Add(Findings other)
    {
        UnseededDraws.AddRange(other.UnseededDraws);
        CpuOnlySeeds.AddRange(other.CpuOnlySeeds);
        CudaBeforeCudaSeed |= other.CudaBeforeCudaSeed;
        SeedsCudaSomewhere |= other.SeedsCudaSomewhere;
    }
}

/// <summary>
/// Runs summarized code from an entry point, following calls into the compilation, constructors (field
/// initializers first, then the base constructor, then the body) and objects a container resolves. Draws met while
/// the CPU generator is unseeded on some path are findings; so are CPU-only seeds in code that then uses CUDA.
/// Summaries are memoised per method and entry state; recursion is cut (a recursive call is assumed to do nothing).
/// </summary>
internal sealed class SeedingFlow
{
    private const int MaxResolveDepth = 4;

    private readonly FlowSource _source;
    private readonly Dictionary<(IMethodSymbol Method, SeedState State), (SeedState? Out, Findings Findings)> _memo = new();
    private readonly HashSet<IMethodSymbol> _active = new(SymbolEqualityComparer.Default);

    public SeedingFlow(FlowSource source)
    {
        _source = source;
    }

    /// <summary>Runs <paramref name="entry"/> from an unseeded process; a test method first has its class constructed.</summary>
    public Findings RunEntryPoint(IMethodSymbol entry, bool constructContainingType)
    {
        var findings = new Findings();
        SeedState? state = default(SeedState);
        if (constructContainingType)
        {
            state = Resolve(entry.ContainingType, state.Value, findings, depth: 0);
        }

        if (state is { } ready)
        {
            var (_, called) = RunMethod(entry, ready);
            findings.Add(called);
        }

        return findings;
    }

    private (SeedState? Out, Findings Findings) RunMethod(IMethodSymbol method, SeedState state)
    {
        method = method.OriginalDefinition;
        if (_memo.TryGetValue((method, state), out var known))
        {
            return known;
        }

        if (!_active.Add(method))
        {
            return (state, new Findings());
        }

        var findings = new Findings();
        var returns = new List<SeedState>();
        SeedState? current = state;
        if (method.MethodKind == MethodKind.Constructor && !method.IsStatic)
        {
            current = RunInitializers(method.ContainingType, state, findings);
            if (current is { } initialized && !_source.HasBody(method) && method.ContainingType.BaseType is { } baseType
                && baseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.Length == 0) is { } baseConstructor)
            {
                // An implicit constructor calls the base type's parameterless one.
                var (afterBase, baseFindings) = RunMethod(baseConstructor, initialized);
                findings.Add(baseFindings);
                current = afterBase;
            }
        }

        if (current is { } beforeBody && _source.Body(method) is { } body)
        {
            current = Run(body, beforeBody, findings, returns);
        }

        foreach (var returned in returns)
        {
            current = current is { } end ? SeedState.Meet(end, returned) : returned;
        }

        _active.Remove(method);
        var result = (current, findings);
        _memo[(method, state)] = result;
        return result;
    }

    private SeedState? RunInitializers(INamedTypeSymbol type, SeedState state, Findings findings)
    {
        SeedState? current = state;
        {
            foreach (var initializer in _source.Initializers(type.OriginalDefinition))
            {
                if (current is not { } before)
                {
                    break;
                }

                current = Run(initializer, before, findings, new List<SeedState>());
            }
        }

        return current;
    }

    /// <summary>What a container does to build <paramref name="type"/>: its dependencies (the widest constructor's parameters) first.</summary>
    private SeedState? Resolve(INamedTypeSymbol type, SeedState state, Findings findings, int depth)
    {
        if (depth > MaxResolveDepth || type.IsAbstract || type.TypeKind != TypeKind.Class)
        {
            return state;
        }

        var constructor = type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).OrderByDescending(c => c.Parameters.Length).FirstOrDefault();
        if (constructor is null)
        {
            return state;
        }

        SeedState? current = state;
        foreach (var parameter in constructor.Parameters)
        {
            if (current is { } before && parameter.Type is INamedTypeSymbol { DeclaringSyntaxReferences.Length: > 0 } dependency)
            {
                current = Resolve(dependency, before, findings, depth + 1);
            }
        }

        if (current is not { } ready)
        {
            return null;
        }

        var (after, constructed) = RunMethod(constructor, ready);
        findings.Add(constructed);
        return after;
    }

    private SeedState? Run(FlowNode node, SeedState state, Findings findings, List<SeedState> returns)
    {
        switch (node)
        {
            case SequenceNode sequence:
                SeedState? current = state;
                foreach (var item in sequence.Items)
                {
                    if (current is not { } before)
                    {
                        return null;
                    }

                    current = Run(item, before, findings, returns);
                }

                return current;
            case ChoiceNode choice:
                SeedState? met = choice.MayTakeNone ? state : null;
                foreach (var branch in choice.Branches)
                {
                    if (Run(branch, state, findings, returns) is { } after)
                    {
                        met = met is { } soFar ? SeedState.Meet(soFar, after) : after;
                    }
                }

                return met;
            case MaybeNode maybe:
                Run(maybe.Body, state, findings, maybe.Isolated ? new List<SeedState>() : returns);
                return state;
            case SeedNode seed:
                if (seed.Cpu && !seed.Cuda && seed.Member.Length > 0)
                {
                    findings.CpuOnlySeeds.Add(seed);
                }

                findings.SeedsCudaSomewhere |= seed.Cuda;

                return new SeedState(state.Cpu || seed.Cpu, state.Cuda || seed.Cuda);
            case DrawNode draw:
                if (!state.Cpu)
                {
                    findings.UnseededDraws.Add(draw);
                }

                return state;
            case CudaNode:
                findings.CudaBeforeCudaSeed |= !state.Cuda;
                return state;
            case CallNode call:
                var (callOut, callFindings) = RunMethod(call.Target, state);
                findings.Add(callFindings);
                return callOut;
            case ResolveNode resolve:
                return Resolve(resolve.Type, state, findings, depth: 0);
            case ExitNode exit:
                if (exit.Returns)
                {
                    returns.Add(state);
                }

                return null;
            default:
                return state;
        }
    }
}
