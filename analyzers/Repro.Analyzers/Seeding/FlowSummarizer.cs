using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.Seeding;

/// <summary>
/// Turns one operation block (a method, constructor, field initializer or top-level program) into a
/// <see cref="FlowNode"/>: one walk over its operations, keeping what seeding needs and the control flow around it.
/// Local functions are summarized separately and reached through their calls; lambdas run where they are written.
/// </summary>
internal sealed class FlowSummarizer
{
    private static readonly ImmutableHashSet<string> s_resolvers = ImmutableHashSet.Create(
        "GetService", "GetRequiredService", "GetKeyedService", "GetRequiredKeyedService", "CreateInstance");

    private static readonly FlowNode EmptyNode = new SequenceNode(ImmutableArray<FlowNode>.Empty);

    private readonly TorchSymbols _torch;
    private readonly Action<IMethodSymbol, FlowNode> _onLocalFunction;

    public FlowSummarizer(TorchSymbols torch, Action<IMethodSymbol, FlowNode> onLocalFunction)
    {
        _torch = torch;
        _onLocalFunction = onLocalFunction;
    }

    public FlowNode? Summarize(IOperation operation)
    {
        switch (operation)
        {
            case ILocalFunctionOperation local:
                if ((local.Body ?? local.IgnoredBody) is { } body && Summarize(body) is { } summary)
                {
                    _onLocalFunction(local.Symbol, summary);
                }

                return null;
            case IAnonymousFunctionOperation lambda:
                return Summarize(lambda.Body) is { } lambdaBody ? new MaybeNode(lambdaBody, isolated: true) : null;
            case IConditionalOperation conditional:
                return Sequence(Summarize(conditional.Condition), Choice(conditional.WhenFalse is null, Summarize(conditional.WhenTrue), conditional.WhenFalse is { } whenFalse ? Summarize(whenFalse) : null));
            case ISwitchOperation @switch:
                var hasDefault = @switch.Cases.Any(c => c.Clauses.Any(clause => clause.CaseKind == CaseKind.Default));
                return Sequence(Summarize(@switch.Value), Choice(!hasDefault, @switch.Cases.Select(c => Sequence(c.Body.Select(Summarize).ToArray())).ToArray()));
            case IWhileLoopOperation { ConditionIsTop: false } doWhile:
                return Sequence(Summarize(doWhile.Body), Summarize(doWhile.Condition!));
            case IForEachLoopOperation forEach:
                return Sequence(Summarize(forEach.Collection), Maybe(Summarize(forEach.Body)));
            case IForLoopOperation forLoop:
                return Sequence(Sequence(forLoop.Before.Select(Summarize).ToArray()), forLoop.Condition is { } condition ? Summarize(condition) : null,
                    Maybe(Sequence(Summarize(forLoop.Body), Sequence(forLoop.AtLoopBottom.Select(Summarize).ToArray()))));
            case ILoopOperation loop:
                return Sequence(loop is IWhileLoopOperation { Condition: { } whileCondition } ? Summarize(whileCondition) : null, Maybe(Summarize(loop.Body)));
            case ITryOperation @try:
                return Sequence(Summarize(@try.Body), Maybe(Sequence(@try.Catches.Select(Summarize).ToArray())), @try.Finally is { } @finally ? Summarize(@finally) : null);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } shortCircuit:
                return Sequence(Summarize(shortCircuit.LeftOperand), Maybe(Summarize(shortCircuit.RightOperand)));
            case ICoalesceOperation coalesce:
                return Sequence(Summarize(coalesce.Value), Maybe(Summarize(coalesce.WhenNull)));
            case IConditionalAccessOperation access:
                return Sequence(Summarize(access.Operation), Maybe(Summarize(access.WhenNotNull)));
            case IReturnOperation { Kind: OperationKind.Return } @return:
                return Sequence(@return.ReturnedValue is { } value ? Summarize(value) : null, ExitNode.Return);
            case IThrowOperation @throw:
                return Sequence(@throw.Exception is { } exception ? Summarize(exception) : null, ExitNode.Throw);
            case IInvocationOperation invocation:
                return Sequence(Children(invocation), Event(invocation));
            case IObjectCreationOperation creation:
                return Sequence(Children(creation), creation.Constructor is { } constructor && InSource(constructor.ContainingType) ? new CallNode(constructor) : null);
            case IMethodReferenceOperation reference:
                // A method group runs later, as often as its receiver calls it: a draw it makes may come before a seed.
                return TorchRandomness.DrawsFromGlobalGenerator(reference.Method, ImmutableArray<IArgumentOperation>.Empty, _torch)
                    ? new MaybeNode(new DrawNode(Locations.OfCall(reference.Syntax), reference.Method.ContainingType.Name + "." + reference.Method.Name))
                    : null;
            default:
                return Sequence(Children(operation), CudaUsage.IsCudaUse(operation, _torch) ? CudaNode.Instance : null);
        }
    }

    private FlowNode? Children(IOperation operation)
    {
        // Most subtrees hold nothing seeding cares about: allocate only once a child does.
        List<FlowNode>? kept = null;
        foreach (var child in operation.ChildOperations)
        {
            if (Summarize(child) is { } node)
            {
                (kept ??= new List<FlowNode>()).Add(node);
            }
        }

        return kept is null ? null : kept.Count == 1 ? kept[0] : Sequence(kept.ToArray());
    }

    private FlowNode? Event(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        if (!TorchSymbols.IsTorchAssembly(type, _torch))
        {
            if (s_resolvers.Contains(method.Name) && method.TypeArguments.Length == 1 && method.TypeArguments[0] is INamedTypeSymbol resolvedType && InSource(resolvedType))
            {
                return new ResolveNode(resolvedType);
            }

            var callee = method.ReducedFrom ?? method;
            return InSource(callee.ContainingType) || callee.MethodKind == MethodKind.LocalFunction ? new CallNode(callee.OriginalDefinition) : null;
        }

        if (method.Name == "manual_seed" && (TorchSymbols.Is(type, _torch.Torch) || TorchSymbols.Is(type, _torch.Random)))
        {
            return new SeedNode(cpu: true, cuda: false, invocation.Syntax.GetLocation(), TorchSymbols.Is(type, _torch.Torch) ? "torch.manual_seed" : "torch.random.manual_seed");
        }

        if (TorchSymbols.Is(type, _torch.ReproTorchSeeds))
        {
            return new SeedNode(cpu: true, cuda: true, invocation.Syntax.GetLocation(), string.Empty);
        }

        if (method.Is(_torch.Cuda, "manual_seed_all") || method.Is(_torch.Cuda, "manual_seed"))
        {
            return new SeedNode(cpu: false, cuda: true, invocation.Syntax.GetLocation(), string.Empty);
        }

        if (TorchRandomness.DrawsFromGlobalGenerator(method, invocation.Arguments, _torch))
        {
            return new DrawNode(Locations.OfCall(invocation.Syntax), type.Name + "." + method.Name);
        }

        if (CudaUsage.IsCudaUse(invocation, _torch))
        {
            return CudaNode.Instance;
        }

        return null;
    }

    private static bool InSource(INamedTypeSymbol? type) => type is { DeclaringSyntaxReferences.Length: > 0 };

    private static MaybeNode? Maybe(FlowNode? body) => body is null ? null : new MaybeNode(body);

    private static ChoiceNode? Choice(bool mayTakeNone, params FlowNode?[] branches) =>
        branches.All(branch => branch is null) ? null : new ChoiceNode(branches.Select(branch => branch ?? EmptyNode).ToImmutableArray(), mayTakeNone);

    private static FlowNode? Sequence(params FlowNode?[] items)
    {
        var kept = new List<FlowNode>(items.Length);
        foreach (var item in items)
        {
            if (item is SequenceNode nested)
            {
                kept.AddRange(nested.Items);
            }
            else if (item is not null)
            {
                kept.Add(item);
            }
        }

        return kept.Count switch
        {
            0 => null,
            1 => kept[0],
            _ => new SequenceNode(kept.ToImmutableArray()),
        };
    }
}
