using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Repro.Analyzers.CodeFixes.Internals;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>Fixes REPRO1014 by following <c>AsParallel()</c> with <c>AsOrdered()</c>, which keeps the source order.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsOrderedFixer)), Shared]
public sealed class AsOrderedFixer : NodeFixProvider<InvocationExpressionSyntax>
{
    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.UnorderedParallelQuery;

    private protected override NodeFix? CreateFix(FixTarget<InvocationExpressionSyntax> target)
    {
        var root = target.Root;
        var asParallel = target.Node;
        return new NodeFix("Keep the source order with AsOrdered()", _ => root.ReplaceNode(asParallel, Ordered(asParallel)));
    }

    private static InvocationExpressionSyntax Ordered(InvocationExpressionSyntax asParallel)
    {
        var bare = asParallel.WithoutTrivia();
        if (asParallel.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AsParallel" })
        {
            // source.AsParallel() → source.AsParallel().AsOrdered()
            return SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, bare, SyntaxFactory.IdentifierName("AsOrdered")))
                .WithTriviaFrom(asParallel);
        }

        // ParallelEnumerable.AsParallel(source) → ParallelEnumerable.AsOrdered(ParallelEnumerable.AsParallel(source))
        var asOrdered = SyntaxFactory.ParseExpression("global::System.Linq.ParallelEnumerable.AsOrdered").WithAdditionalAnnotations(Simplifier.Annotation);
        return SyntaxFactory.InvocationExpression(asOrdered, SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(bare))))
            .WithTriviaFrom(asParallel);
    }
}
