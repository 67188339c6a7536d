using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Repro.Analyzers.CodeFixes.Internals;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes REPRO1001 by passing a seed to <c>new Random()</c>: an <c>int</c> variable, parameter,
/// field or constant in scope whose name contains "seed" when there is one, otherwise the literal 0.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnseededRandomFixer)), Shared]
public sealed class UnseededRandomFixer : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnseededRandom);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not BaseObjectCreationExpressionSyntax creation)
            {
                continue;
            }

            var seed = SeedInScope.Find(model, creation, context.CancellationToken);
            var title = seed is null ? "Seed Random with a fixed value (0)" : $"Seed Random with '{seed}'";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(creation, WithSeed(creation, seed)))),
                    equivalenceKey: RuleIds.UnseededRandom),
                diagnostic);
        }
    }

    private static BaseObjectCreationExpressionSyntax WithSeed(BaseObjectCreationExpressionSyntax creation, string? seed)
    {
        var arguments = SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SeedInScope.Expression(seed))));
        if (creation.ArgumentList is { } existing)
        {
            arguments = arguments.WithTriviaFrom(existing);
        }

        return creation.WithArgumentList(arguments);
    }
}
