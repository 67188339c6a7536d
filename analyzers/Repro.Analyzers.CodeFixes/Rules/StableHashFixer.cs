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

/// <summary>
/// Fixes REPRO1006 by replacing <c>text.GetHashCode()</c> with <c>Repro.StableHash.Of(text)</c>, a hash with a fixed
/// definition. Offered only where the project references Repro.Runtime, and only for the parameterless form.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StableHashFixer)), Shared]
public sealed class StableHashFixer : CodeFixProvider
{
    internal const string StableHashType = "Repro.StableHash";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(RuleIds.StringHashCode);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model?.Compilation.GetTypeByMetadataName(StableHashType) is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Expression: var text },
                    ArgumentList.Arguments.Count: 0,
                } invocation
                || model.GetTypeInfo(text, context.CancellationToken).Type?.SpecialType != SpecialType.System_String)
            {
                continue;
            }

            var stable = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.ParseExpression("global::" + StableHashType + ".Of").WithAdditionalAnnotations(Simplifier.Annotation),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(text.WithoutTrivia()))))
                .WithTriviaFrom(invocation);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Use Repro.StableHash.Of",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(invocation, stable))),
                    equivalenceKey: RuleIds.StringHashCode),
                diagnostic);
        }
    }
}
