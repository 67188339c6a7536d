using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Repro.Analyzers.Internals;

/// <summary>
/// The name an invocation spells in source, read from its syntax without asking for the target symbol. A method's
/// name cannot be aliased in C#, so a call whose spelled name is not one a rule looks for cannot be a call the rule
/// reports; rules use this to turn away almost every call of a project before any symbol is touched.
/// </summary>
internal static class SpelledNames
{
    /// <summary>
    /// False only when <paramref name="operation"/> is an ordinary invocation (<c>F(…)</c>, <c>x.F(…)</c>,
    /// <c>x?.F(…)</c>, <c>F&lt;T&gt;(…)</c>) whose name is not in <paramref name="names"/>. Anything else — a method
    /// group, a query clause, a collection initializer's <c>Add</c>, a delegate call — is left to the symbol check.
    /// </summary>
    public static bool MaySpell(this IOperation operation, ISet<string> names) =>
        operation.Syntax is not InvocationExpressionSyntax invocation
        || NameOf(invocation.Expression) is not { } name
        || names.Contains(name);

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => null,
    };
}
