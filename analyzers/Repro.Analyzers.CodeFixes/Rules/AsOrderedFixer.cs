using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>Fixes REPRO1014 by following <c>AsParallel()</c> with <c>AsOrdered()</c>, which keeps the source order.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AsOrderedFixer)), Shared]
public sealed class AsOrderedFixer : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnorderedParallelQuery);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax asParallel)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Keep the source order with AsOrdered()",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(asParallel, Ordered(asParallel)))),
                    equivalenceKey: RuleIds.UnorderedParallelQuery),
                diagnostic);
        }
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
