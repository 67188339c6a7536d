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
/// Fixes REPRO1010 by adding <c>seed:</c> to the DataLoader: an <c>int</c> seed in scope when there is one,
/// otherwise 0. A named argument, so it is right whatever the positional arguments before it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DataLoaderSeedFixer)), Shared]
public sealed class DataLoaderSeedFixer : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.UnseededDataLoaderShuffle);

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
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var arguments = node switch
            {
                InvocationExpressionSyntax invocation => invocation.ArgumentList,
                BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
                _ => null,
            };
            if (arguments is null || HasNamedSeed(arguments))
            {
                continue;
            }

            var seed = SeedInScope.Find(model, node, context.CancellationToken);
            var seeded = arguments.AddArguments(
                SyntaxFactory.Argument(SeedInScope.Expression(seed)).WithNameColon(SyntaxFactory.NameColon("seed")));
            context.RegisterCodeFix(
                CodeAction.Create(
                    seed is null ? "Shuffle with a fixed seed (0)" : $"Shuffle with seed '{seed}'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(arguments, seeded))),
                    equivalenceKey: RuleIds.UnseededDataLoaderShuffle),
                diagnostic);
        }
    }

    // `seed: null` is reported too; replacing it would need more care than adding, so it is left to the user.
    private static bool HasNamedSeed(ArgumentListSyntax arguments)
    {
        foreach (var argument in arguments.Arguments)
        {
            if (argument.NameColon?.Name.Identifier.ValueText == "seed")
            {
                return true;
            }
        }

        return false;
    }
}
