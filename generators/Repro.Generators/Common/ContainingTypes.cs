using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Repro.Generators.Common;

/// <summary>The type (and the types around it) that a generated partial must reopen.</summary>
/// <param name="Namespace">The namespace, empty for the global namespace.</param>
/// <param name="Declarations">Declarations from outermost to innermost, e.g. "partial class Outer", "partial struct Inner".</param>
/// <param name="HintName">A file-name-safe unique name of the innermost type.</param>
internal sealed record ContainingTypeModel(string Namespace, EquatableArray<string> Declarations, string HintName);

/// <summary>Reads the chain of partial types around a member, for generated code to reopen.</summary>
internal static class ContainingTypes
{
    /// <summary>The types around <paramref name="member"/>, outermost first; null when one of them is not partial.</summary>
    public static ContainingTypeModel? Parse(MemberDeclarationSyntax member, INamedTypeSymbol type)
    {
        var declarations = ImmutableArray.CreateBuilder<string>();
        for (var node = member.Parent as TypeDeclarationSyntax; node is not null; node = node.Parent as TypeDeclarationSyntax)
        {
            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return null;
            }

            declarations.Insert(0, $"partial {Keyword(node)} {node.Identifier.ValueText}{node.TypeParameterList}");
        }

        if (declarations.Count == 0)
        {
            return null;
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        var hint = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
            .Replace('<', '{').Replace('>', '}').Replace(' ', '_');
        return new ContainingTypeModel(ns, new EquatableArray<string>(declarations.ToImmutable()), hint);
    }

    private static string Keyword(TypeDeclarationSyntax node) => node switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        _ => node.Keyword.ValueText,
    };
}
