using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Repro.Analyzers.Seeding;

/// <summary>
/// A method body reduced to what matters for seeding, in execution order: seeds, draws from torch's global
/// generator, CUDA uses, calls into source code, and the control flow between them. Everything else is dropped,
/// so a compilation keeps a few nodes per method rather than its operation trees.
/// </summary>
internal abstract class FlowNode
{
}

/// <summary>Children that run one after another.</summary>
internal sealed class SequenceNode(ImmutableArray<FlowNode> items) : FlowNode
{
    public ImmutableArray<FlowNode> Items { get; } = items;
}

/// <summary>Exactly one branch runs (if/else, switch); with <see cref="MayTakeNone"/>, possibly none (if without else).</summary>
internal sealed class ChoiceNode(ImmutableArray<FlowNode> branches, bool mayTakeNone) : FlowNode
{
    public ImmutableArray<FlowNode> Branches { get; } = branches;

    public bool MayTakeNone { get; } = mayTakeNone;
}

/// <summary>
/// Code that may run, with the state it finds, but whose seeds cannot be counted on afterwards: a loop body that
/// may run zero times, a lambda, a catch block, the right side of <c>&amp;&amp;</c>.
/// </summary>
internal sealed class MaybeNode(FlowNode body, bool isolated = false) : FlowNode
{
    public FlowNode Body { get; } = body;

    /// <summary>A lambda: a <c>return</c> in it leaves the lambda, not the method around it.</summary>
    public bool Isolated { get; } = isolated;
}

/// <summary>A seeding call: the CPU generator, the CUDA generators, or both.</summary>
internal sealed class SeedNode(bool cpu, bool cuda, Location location, string member) : FlowNode
{
    public bool Cpu { get; } = cpu;

    public bool Cuda { get; } = cuda;

    public Location Location { get; } = location;

    /// <summary>How REPRO1009 names a CPU-only seed; empty for seeds that cover CUDA.</summary>
    public string Member { get; } = member;
}

/// <summary>A draw from torch's global generator.</summary>
internal sealed class DrawNode(Location location, string member) : FlowNode
{
    public Location Location { get; } = location;

    public string Member { get; } = member;
}

/// <summary>Code that puts tensors or modules on CUDA.</summary>
internal sealed class CudaNode : FlowNode
{
    public static readonly CudaNode Instance = new();
}

/// <summary>A call of a method declared in this compilation (a constructor runs its type's field initializers first).</summary>
internal sealed class CallNode(IMethodSymbol target) : FlowNode
{
    public IMethodSymbol Target { get; } = target;
}

/// <summary>An object a dependency-injection container builds where it is resolved: its dependencies first, then it.</summary>
internal sealed class ResolveNode(INamedTypeSymbol type) : FlowNode
{
    public INamedTypeSymbol Type { get; } = type;
}

/// <summary>The end of a path: <c>return</c> leaves the method, <c>throw</c> leaves the caller's path too.</summary>
internal sealed class ExitNode(bool returns) : FlowNode
{
    public static readonly ExitNode Return = new(returns: true);
    public static readonly ExitNode Throw = new(returns: false);

    public bool Returns { get; } = returns;
}
