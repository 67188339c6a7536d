using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Repro.Analyzers.CodeFixes.Internals;

/// <summary>A fix for one diagnostic: its title, and the new syntax root it produces.</summary>
internal sealed class NodeFix
{
    public NodeFix(string title, Func<CancellationToken, SyntaxNode> newRoot)
    {
        Title = title;
        NewRoot = newRoot;
    }

    public string Title { get; }

    public Func<CancellationToken, SyntaxNode> NewRoot { get; }
}

/// <summary>What a fixer sees of one diagnostic: the document's root and semantic model, and the flagged node.</summary>
internal readonly struct FixTarget<TNode>
    where TNode : SyntaxNode
{
    public FixTarget(SyntaxNode root, SemanticModel model, TNode node, CancellationToken cancellation)
    {
        Root = root;
        Model = model;
        Node = node;
        Cancellation = cancellation;
    }

    public SyntaxNode Root { get; }

    public SemanticModel Model { get; }

    public TNode Node { get; }

    public CancellationToken Cancellation { get; }
}

/// <summary>
/// The plumbing every Repro fixer shares: load the root and model once, find the flagged node of type
/// <typeparamref name="TNode"/> for each diagnostic, and register the fix <see cref="CreateFix"/> returns under the
/// rule's id as equivalence key (so Fix All batches them). A fixer is then its transformation only.
/// </summary>
public abstract class NodeFixProvider<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    /// <summary>The rule this provider fixes.</summary>
    protected abstract string DiagnosticId { get; }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not TNode node
                || CreateFix(new FixTarget<TNode>(root, model, node, context.CancellationToken)) is not { } fix)
            {
                continue;
            }

            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(fix.Title, cancellation => Task.FromResult(document.WithSyntaxRoot(fix.NewRoot(cancellation))), equivalenceKey: DiagnosticId),
                diagnostic);
        }
    }

    /// <summary>The fix for the flagged node, or null when this occurrence cannot be fixed safely.</summary>
    private protected abstract NodeFix? CreateFix(FixTarget<TNode> target);
}
