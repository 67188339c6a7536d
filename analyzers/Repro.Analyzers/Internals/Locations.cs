using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Repro.Analyzers.Internals;

internal static class Locations
{
    /// <summary>
    /// Where to underline a call: from the member name to the closing parenthesis, so in a chain
    /// (<c>files.Where(…).OrderBy(…)</c>) only the offending call is marked, not everything before it.
    /// </summary>
    public static Location OfCall(SyntaxNode syntax)
    {
        if (syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation)
        {
            return Location.Create(invocation.SyntaxTree, TextSpan.FromBounds(access.Name.SpanStart, invocation.Span.End));
        }

        return syntax.GetLocation();
    }
}
