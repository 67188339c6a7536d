using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Operations;

/// <summary>
/// Decides, from a call's arguments, whether this call is nondeterministic and on which device: null when the
/// arguments make it safe (for example <c>mode: Nearest</c>). Arguments that are not constants count as unsafe.
/// </summary>
internal delegate DeviceScope? ArgumentCondition(ImmutableArray<IArgumentOperation> arguments, DeviceScope scope, TorchSymbols torch);

/// <summary>One row of PyTorch's nondeterministic-operations list, in TorchSharp's spelling.</summary>
internal sealed class OperationRule
{
    public OperationRule(DiagnosticDescriptor descriptor, DeviceScope scope, params OperationMatch[] matches)
        : this(descriptor, scope, backwardOnly: false, matches)
    {
    }

    public OperationRule(DiagnosticDescriptor descriptor, DeviceScope scope, bool backwardOnly, params OperationMatch[] matches)
    {
        Descriptor = descriptor;
        Scope = scope;
        BackwardOnly = backwardOnly;
        Matches = matches.ToImmutableArray();
    }

    /// <summary>Whether only the operation's backward pass is nondeterministic: then code that never trains is safe.</summary>
    public bool BackwardOnly { get; }

    public DiagnosticDescriptor Descriptor { get; }

    /// <summary>Where the operation is nondeterministic when no argument narrows it.</summary>
    public DeviceScope Scope { get; }

    public ImmutableArray<OperationMatch> Matches { get; }
}

/// <summary>Members of one TorchSharp type, by name (every overload), optionally narrowed by their arguments.</summary>
internal sealed class OperationMatch
{
    public OperationMatch(Func<TorchSymbols, INamedTypeSymbol?> type, string display, string[] names, ArgumentCondition? condition = null)
    {
        Type = type;
        Display = display;
        Names = names.ToImmutableHashSet();
        Condition = condition;
    }

    public Func<TorchSymbols, INamedTypeSymbol?> Type { get; }

    /// <summary>How messages name the type: <c>torch</c>, <c>Tensor</c>, <c>nn</c>, <c>nn.functional</c>.</summary>
    public string Display { get; }

    public ImmutableHashSet<string> Names { get; }

    public ArgumentCondition? Condition { get; }
}
