using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Whether the indices of an indexed write (<c>index_put_</c>, <c>t[indices] = v</c>) can name one element twice —
/// the only way such a write is nondeterministic. They cannot when every index is an integer, a slice, an ellipsis
/// or <c>TensorIndex.Single</c>; a Boolean mask (a comparison, <c>isnan</c>, <c>logical_and</c>…); or a tensor made
/// from one number. An index tensor of unknown provenance can repeat, and stays reported.
/// </summary>
internal static class TensorIndices
{
    private static readonly ImmutableHashSet<string> s_maskMethods = ImmutableHashSet.Create(
        "gt", "lt", "ge", "le", "eq", "ne", "greater", "less", "greater_equal", "less_equal", "not_equal",
        "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "isclose", "isin",
        "logical_and", "logical_or", "logical_xor", "logical_not", "gt_", "lt_", "ge_", "le_", "eq_", "ne_");

    private static readonly ImmutableHashSet<string> s_singleNumberFactories = ImmutableHashSet.Create("tensor", "scalar_tensor", "as_tensor");

    /// <summary>Whether the <c>indices</c> argument (a params array or an array created in place) cannot repeat an element.</summary>
    public static bool CannotRepeat(IArgumentOperation? indices, TorchSymbols torch) =>
        indices?.Value.WithoutConversions() is IArrayCreationOperation { Initializer: { } initializer }
        && initializer.ElementValues.All(element => IndexCannotRepeat(element, torch));

    /// <summary>Whether an index is a tensor: a tensor converted to TensorIndex, or <c>TensorIndex.Tensor(t)</c>.</summary>
    public static bool IsMadeFromTensor(IOperation element, TorchSymbols torch) =>
        TorchSymbols.Is(element.Type, torch.Tensor)
        || (element is IInvocationOperation { TargetMethod: { Name: "Tensor", ContainingType.Name: "TensorIndex" } } call
            && call.Arguments.Any(argument => TorchSymbols.Is(argument.Value.WithoutConversions().Type, torch.Tensor)));

    /// <summary>Whether one index (a TensorIndex, an integer, a range, or a tensor) selects each element at most once.</summary>
    public static bool IndexCannotRepeat(IOperation index, TorchSymbols torch)
    {
        var value = index.WithoutConversions();
        if (value is IInvocationOperation { TargetMethod: { Name: "Tensor", ContainingType.Name: "TensorIndex" } } fromTensor)
        {
            return fromTensor.Arguments.Length == 1 && IndexCannotRepeat(fromTensor.Arguments[0].Value, torch);
        }

        if (value.Type?.Name == "TensorIndex")
        {
            // TensorIndex.Single/Slice/Bool/Ellipsis/None/Colon: one position or a strided run. A TensorIndex held in a
            // variable may have been made from a tensor, so it is not known.
            return value is IInvocationOperation { TargetMethod.Name: "Single" or "Slice" or "Bool" }
                or IPropertyReferenceOperation or IFieldReferenceOperation;
        }

        if (!TorchSymbols.Is(value.Type, torch.Tensor))
        {
            // An integer, a Range or a (start, stop) pair converted to a TensorIndex.
            return value.Type is { SpecialType: >= SpecialType.System_SByte and <= SpecialType.System_UInt64 } || value.Type?.Name is "Range" or "Index" or "ValueTuple";
        }

        return IsBooleanMask(value, torch, depth: 0) || IsOneNumber(value, torch);
    }

    /// <summary>Whether a written value is one number for every position, so repeated positions get the same value.</summary>
    public static bool IsOneNumber(IOperation value, TorchSymbols torch)
    {
        var operand = value.WithoutConversions();
        if (operand.Type is { SpecialType: >= SpecialType.System_Boolean and <= SpecialType.System_Double } || operand.Type?.Name == "Scalar")
        {
            return true;
        }

        return operand is IInvocationOperation { TargetMethod: var method, Arguments: var arguments }
            && TorchSymbols.Is(method.ContainingType, torch.Torch) && s_singleNumberFactories.Contains(method.Name)
            && arguments.Length > 0 && arguments[0].Value.WithoutConversions().Type is { SpecialType: >= SpecialType.System_Boolean and <= SpecialType.System_Double };
    }

    private static bool IsBooleanMask(IOperation value, TorchSymbols torch, int depth)
    {
        if (depth > 4)
        {
            return false;
        }

        switch (value.WithoutConversions())
        {
            case IBinaryOperation binary when binary.OperatorKind is BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals
                or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual:
                return true;
            case IBinaryOperation binary when binary.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Or or BinaryOperatorKind.ExclusiveOr:
                return IsBooleanMask(binary.LeftOperand, torch, depth + 1) && IsBooleanMask(binary.RightOperand, torch, depth + 1);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not or UnaryOperatorKind.BitwiseNegation } unary:
                return IsBooleanMask(unary.Operand, torch, depth + 1);
            case IInvocationOperation { TargetMethod: var method } when s_maskMethods.Contains(method.Name)
                && (TorchSymbols.Is(method.ContainingType, torch.Tensor) || TorchSymbols.Is(method.ContainingType, torch.Torch)):
                return true;
            case ILocalReferenceOperation local:
                return SingleAssignment(local) is { } assigned && IsBooleanMask(assigned, torch, depth + 1);
            default:
                return false;
        }
    }

    /// <summary>The value of a local that is initialised once and never assigned again in its method; null otherwise.</summary>
    private static IOperation? SingleAssignment(ILocalReferenceOperation reference)
    {
        var local = reference.Local;
        if (local.DeclaringSyntaxReferences.Length != 1 || local.DeclaringSyntaxReferences[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator
            || reference.SemanticModel is not { } model)
        {
            return null;
        }

        var body = declarator.FirstAncestorOrSelf<BlockSyntax>();
        var reassigned = body is null || body.DescendantNodes().Any(node => node switch
        {
            AssignmentExpressionSyntax assignment => IsLocal(assignment.Left, local, model),
            ArgumentSyntax { RefKindKeyword.RawKind: not 0 } argument => IsLocal(argument.Expression, local, model),
            _ => false,
        });
        return reassigned ? null : model.GetOperation(initializer.Value);
    }

    private static bool IsLocal(ExpressionSyntax expression, ILocalSymbol local, SemanticModel model) =>
        expression is IdentifierNameSyntax { Identifier.ValueText: var name } && name == local.Name
        && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(expression).Symbol, local);
}
