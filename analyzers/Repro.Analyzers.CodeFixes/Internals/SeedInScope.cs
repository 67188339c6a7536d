using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Repro.Analyzers.CodeFixes.Internals;

/// <summary>Finds the seed a fix should pass: an <c>int</c> named like a seed, visible and already declared.</summary>
internal static class SeedInScope
{
    /// <summary>
    /// An <c>int</c> parameter, local, field, property or constant whose name contains "seed", visible at
    /// <paramref name="node"/>; locals and parameters first, then by ordinal name. Null when there is none.
    /// </summary>
    public static string? Find(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        var position = node.SpanStart;
        var candidates = model.LookupSymbols(position)
            .Where(symbol => symbol.Name.IndexOf("seed", StringComparison.OrdinalIgnoreCase) >= 0)
            .Where(symbol => TypeOf(symbol)?.SpecialType == SpecialType.System_Int32)
            .Where(symbol => symbol is not ILocalSymbol local || IsDeclaredBefore(local, position, cancellationToken))
            .OrderBy(symbol => symbol is ILocalSymbol or IParameterSymbol ? 0 : 1)
            .ThenBy(symbol => symbol.Name, StringComparer.Ordinal);
        return candidates.FirstOrDefault()?.Name;
    }

    /// <summary>The seed as an expression: the symbol found by <see cref="Find"/>, or the literal 0 when there was none.</summary>
    public static ExpressionSyntax Expression(string? seed) => seed is null
        ? SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(0))
        : SyntaxFactory.IdentifierName(seed);

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        IFieldSymbol field => field.Type,
        IPropertySymbol property => property.Type,
        _ => null,
    };

    private static bool IsDeclaredBefore(ILocalSymbol local, int position, CancellationToken cancellationToken) =>
        local.DeclaringSyntaxReferences.All(reference => reference.GetSyntax(cancellationToken).Span.End <= position);
}
