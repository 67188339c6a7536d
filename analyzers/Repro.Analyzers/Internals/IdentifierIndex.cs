using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Where each identifier occurs in a syntax tree, built once per tree and shared by every rule: a rule that can only
/// fire on a call named <c>manual_seed</c> asks whether a method mentions that name before asking Roslyn for a
/// callback on each of its operations. Besides identifiers it records <see cref="TargetTypedNew"/> for
/// <c>new(…)</c>, <see cref="CudaString"/> for string literals that start with "cuda", and, for a using alias
/// (<c>using R = System.Random;</c>), each use of the alias under the aliased type's name as well.
/// </summary>
internal sealed class IdentifierIndex
{
    /// <summary>Recorded where a target-typed <c>new(…)</c> creates an object whose type the method does not name.</summary>
    public const string TargetTypedNew = "new()";

    /// <summary>Recorded where a string literal starts with "cuda" (a device string).</summary>
    public const string CudaString = "\"cuda";

    private static readonly ConditionalWeakTable<SyntaxTree, IdentifierIndex> s_indexes = new();

    private readonly Dictionary<string, List<int>> _positions = new(StringComparer.Ordinal);

    private IdentifierIndex(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        var aliases = root.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Where(directive => directive.Alias is not null)
            .ToDictionary(directive => directive.Alias!.Name.Identifier.ValueText, directive => RightmostName(directive), StringComparer.Ordinal);
        SyntaxToken previous = default;
        foreach (var token in root.DescendantTokens())
        {
            switch (token.Kind())
            {
                case SyntaxKind.IdentifierToken:
                    Add(token.ValueText, token.SpanStart);
                    if (aliases.Count > 0 && aliases.TryGetValue(token.ValueText, out var target) && target is not null)
                    {
                        Add(target, token.SpanStart);
                    }

                    break;
                case SyntaxKind.OpenParenToken when previous.IsKind(SyntaxKind.NewKeyword):
                    Add(TargetTypedNew, token.SpanStart);
                    break;
                case SyntaxKind.StringLiteralToken when token.ValueText.StartsWith("cuda", StringComparison.OrdinalIgnoreCase):
                    Add(CudaString, token.SpanStart);
                    break;
            }

            previous = token;
        }
    }

    public static IdentifierIndex For(SyntaxTree tree) => s_indexes.GetValue(tree, static t => new IdentifierIndex(t));

    /// <summary>Whether any of <paramref name="names"/> occurs within <paramref name="span"/>.</summary>
    public bool MentionsAny(ImmutableHashSet<string> names, TextSpan span)
    {
        foreach (var name in names)
        {
            if (_positions.TryGetValue(name, out var positions))
            {
                var index = positions.BinarySearch(span.Start);
                index = index < 0 ? ~index : index;
                if (index < positions.Count && positions[index] < span.End)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string? RightmostName(UsingDirectiveSyntax directive) => directive.NamespaceOrType switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
        _ => null,
    };

    private void Add(string name, int position)
    {
        if (!_positions.TryGetValue(name, out var positions))
        {
            _positions[name] = positions = new List<int>();
        }

        positions.Add(position);
    }
}

/// <summary>Operation actions registered only in the members that mention one of the names a rule can fire on.</summary>
internal static class NarrowRegistration
{
    /// <summary>
    /// Registers <paramref name="action"/> for <paramref name="kinds"/> inside each operation block (a method, a
    /// constructor, an initializer) whose source mentions one of <paramref name="names"/>; blocks that do not get no
    /// callbacks at all. Names are the rule's member or type names as written in source.
    /// </summary>
    public static void RegisterOperationActionWhereMentioned(
        this CompilationStartAnalysisContext start, ImmutableHashSet<string> names, Action<OperationAnalysisContext> action, params OperationKind[] kinds) =>
        start.RegisterOperationBlockStartAction(block =>
        {
            if (block.OperationBlocks.IsEmpty)
            {
                return;
            }

            var first = block.OperationBlocks[0].Syntax;
            var span = block.OperationBlocks.Aggregate(first.Span, (total, operation) => TextSpan.FromBounds(Math.Min(total.Start, operation.Syntax.SpanStart), Math.Max(total.End, operation.Syntax.Span.End)));
            if (IdentifierIndex.For(first.SyntaxTree).MentionsAny(names, span))
            {
                block.RegisterOperationAction(action, kinds);
            }
        });
}
