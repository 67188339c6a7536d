using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Repro.Analyzers.CodeFixes.Internals;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes REPRO1013 by sorting the listing ordinally: paths with <c>Order(StringComparer.Ordinal)</c>, file-system
/// entries by <c>FullName</c>. Ordinal, not the default comparer, because culture-aware string order differs between
/// machines too. An array result stays an array (<c>ToArray()</c>) so the code around it still compiles.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DirectoryListingOrderFixer)), Shared]
public sealed class DirectoryListingOrderFixer : NodeFixProvider<InvocationExpressionSyntax>
{
    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.UnorderedDirectoryListing;

    private protected override NodeFix? CreateFix(FixTarget<InvocationExpressionSyntax> target)
    {
        if (target.Model.GetTypeInfo(target.Node, target.Cancellation).Type is not { } type)
        {
            return null;
        }

        var (root, model, listing) = (target.Root, target.Model, target.Node);
        return new NodeFix("Sort the listing ordinally", cancellation => Sorted(root, model, listing, type, cancellation));
    }

    private static SyntaxNode Sorted(SyntaxNode root, SemanticModel model, InvocationExpressionSyntax listing, ITypeSymbol type, CancellationToken cancellationToken)
    {
        var element = type is IArrayTypeSymbol array ? array.ElementType : (type as INamedTypeSymbol)?.TypeArguments.FirstOrDefault();
        var ordinal = SyntaxFactory.Argument(
            SyntaxFactory.ParseExpression("global::System.StringComparer.Ordinal").WithAdditionalAnnotations(Simplifier.Annotation));

        // Enumerable.Order arrived in .NET 7; older targets get the equivalent OrderBy.
        var hasOrder = model.Compilation.GetTypeByMetadataName("System.Linq.Enumerable")?.GetMembers("Order").Any() == true;
        var (method, arguments) = element?.SpecialType != SpecialType.System_String
            ? ("OrderBy", new[] { SyntaxFactory.Argument(SyntaxFactory.ParseExpression("entry => entry.FullName")), ordinal })
            : hasOrder
                ? ("Order", new[] { ordinal })
                : ("OrderBy", new[] { SyntaxFactory.Argument(SyntaxFactory.ParseExpression("path => path")), ordinal });
        ExpressionSyntax sorted = Call(listing.WithoutTrivia(), method, arguments);
        if (type is IArrayTypeSymbol)
        {
            sorted = Call(sorted, "ToArray");
        }

        var replacement = sorted.WithTriviaFrom(listing);
        var newRoot = root.ReplaceNode(listing, replacement);
        return NeedsLinqImport(model, listing, cancellationToken) && newRoot is CompilationUnitSyntax unit
            ? unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName("System.Linq")).WithAdditionalAnnotations(Formatter.Annotation))
            : newRoot;
    }

    private static InvocationExpressionSyntax Call(ExpressionSyntax receiver, string name, params ArgumentSyntax[] arguments) =>
        SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, receiver, SyntaxFactory.IdentifierName(name)),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));

    // Order/OrderBy are extension methods: without `using System.Linq` (file or global) they would not bind.
    private static bool NeedsLinqImport(SemanticModel model, SyntaxNode node, CancellationToken cancellationToken) =>
        !model.LookupNamespacesAndTypes(node.SpanStart, name: "Enumerable")
            .Any(symbol => symbol.ContainingNamespace?.ToDisplayString() == "System.Linq")
        && !model.GetImportScopes(node.SpanStart, cancellationToken).Any(scope => scope.Imports.Any(import => import.NamespaceOrType.ToDisplayString() == "System.Linq"));
}
