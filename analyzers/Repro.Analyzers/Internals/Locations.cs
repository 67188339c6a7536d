using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Repro.Analyzers.Internals;

internal static class Locations
{
    /// <summary>
    /// The found use that comes first in source order (file path, then position), or default when there is none:
    /// a compilation-end rule reports once, at the same place whatever order the concurrent actions ran in.
    /// </summary>
    public static (Location Location, string Member) FirstInSource(IEnumerable<(Location Location, string Member)> uses) =>
        uses.OrderBy(use => use.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(use => use.Location.SourceSpan.Start)
            .FirstOrDefault();

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
