using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Repro.Analyzers.Internals;

/// <summary>Small questions the rules ask of operations: arguments by parameter name, constants, enum members.</summary>
internal static class OperationExtensions
{
    /// <summary>The argument bound to the parameter named <paramref name="name"/>, whether passed by name, by position or left to its default.</summary>
    public static IArgumentOperation? Argument(this ImmutableArray<IArgumentOperation> arguments, string name)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Name == name)
            {
                return argument;
            }
        }

        return null;
    }

    /// <summary>Whether the argument was left out and its parameter's default used.</summary>
    public static bool IsDefaulted(this IArgumentOperation argument) => argument.ArgumentKind == ArgumentKind.DefaultValue;

    /// <summary>The operation under implicit and explicit conversions and parentheses.</summary>
    public static IOperation WithoutConversions(this IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }

    /// <summary>
    /// The name of the enum member an argument holds, when it is a compile-time constant; null when it is
    /// computed at run time (the rules then assume the worst).
    /// </summary>
    public static string? EnumMemberName(this IArgumentOperation argument)
    {
        var value = argument.Value.WithoutConversions();
        if (value is IFieldReferenceOperation { Field: { IsConst: true } constantField })
        {
            return constantField.Name;
        }

        if (argument.Value.ConstantValue is { HasValue: true, Value: { } constant }
            && argument.Parameter?.Type is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
        {
            foreach (var member in enumType.GetMembers())
            {
                if (member is IFieldSymbol { HasConstantValue: true } field && Equals(field.ConstantValue, constant))
                {
                    return field.Name;
                }
            }
        }

        return null;
    }

    /// <summary>The argument's value when it is a compile-time constant.</summary>
    public static Optional<object?> Constant(this IArgumentOperation argument) => argument.Value.ConstantValue;

    /// <summary>Whether the value is the literal <c>null</c> (or <c>default</c> of a reference or nullable type).</summary>
    public static bool IsNullConstant(this IOperation value) =>
        value.WithoutConversions().ConstantValue is { HasValue: true, Value: null };

    /// <summary>The outermost operation of the member body that contains <paramref name="operation"/>.</summary>
    public static IOperation Root(this IOperation operation)
    {
        while (operation.Parent is { } parent)
        {
            operation = parent;
        }

        return operation;
    }

    /// <summary>Whether <paramref name="method"/> is <paramref name="name"/> declared on <paramref name="type"/>.</summary>
    public static bool Is(this IMethodSymbol method, INamedTypeSymbol? type, string name) =>
        method.Name == name && type is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType.OriginalDefinition, type);

    /// <summary>
    /// The method a call, object creation or method group targets, without touching its arguments: Roslyn builds
    /// argument operations on first access, so rules ask for them (<see cref="CallArguments"/>) only for calls they match.
    /// </summary>
    public static IMethodSymbol? CallTarget(this IOperation operation) => operation switch
    {
        IInvocationOperation invocation => invocation.TargetMethod.Unreduced(),
        IObjectCreationOperation creation => creation.Constructor,
        IMethodReferenceOperation reference => reference.Method,
        _ => null,
    };

    /// <summary>The arguments of a call or object creation; null for a method group, which has none.</summary>
    public static ImmutableArray<IArgumentOperation>? CallArguments(this IOperation operation) => operation switch
    {
        IInvocationOperation invocation => invocation.Arguments,
        IObjectCreationOperation { Constructor: not null } creation => creation.Arguments,
        _ => null,
    };

    /// <summary>The target and arguments of a call; builds the arguments, so use it only once the call is known to matter.</summary>
    public static (IMethodSymbol? Method, ImmutableArray<IArgumentOperation>? Arguments) Call(this IOperation operation) => operation switch
    {
        IInvocationOperation invocation => (invocation.TargetMethod.Unreduced(), invocation.Arguments),
        IObjectCreationOperation { Constructor: { } constructor } creation => (constructor, creation.Arguments),
        IMethodReferenceOperation reference => (reference.Method, null),
        _ => (null, null),
    };

    /// <summary>The method a method reference or invocation targets, reduced extension methods unwrapped.</summary>
    public static IMethodSymbol Unreduced(this IMethodSymbol method) => method.ReducedFrom ?? method;
}
