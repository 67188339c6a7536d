using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Repro.Analyzers.CodeFixes.Internals;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes REPRO1009 by adding <c>torch.cuda.manual_seed_all(seed)</c> right after the <c>manual_seed</c> statement,
/// with the same seed. Offered only when the seed is a plain value (a constant, local, parameter, field or
/// property), so repeating it cannot run a side effect twice.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CudaSeedFixer)), Shared]
public sealed class CudaSeedFixer : NodeFixProvider<InvocationExpressionSyntax>
{
    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.CpuOnlyTorchSeed;

    private protected override NodeFix? CreateFix(FixTarget<InvocationExpressionSyntax> target)
    {
        if (target.Node is not { ArgumentList.Arguments: [{ Expression: var seed }] } invocation
            || !IsPlainValue(seed)
            || invocation.FirstAncestorOrSelf<StatementSyntax>() is not { } statement
            || statement.Parent is not (BlockSyntax or GlobalStatementSyntax))
        {
            return null;
        }

        var root = target.Root;
        return new NodeFix("Seed the CUDA generators too (torch.cuda.manual_seed_all)", _ => AddCudaSeed(root, invocation, statement, seed));
    }

    private static bool IsPlainValue(ExpressionSyntax seed) => seed is LiteralExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax
        || (seed is CastExpressionSyntax cast && IsPlainValue(cast.Expression));

    private static SyntaxNode AddCudaSeed(SyntaxNode root, InvocationExpressionSyntax seeding, StatementSyntax statement, ExpressionSyntax seed)
    {
        // Spelled like the call it follows: `torch.manual_seed` gets `torch.cuda…`; other spellings get the simplest name in scope.
        var spelledWithTorch = seeding.Expression is MemberAccessExpressionSyntax { Expression: var receiver }
            && receiver.ToString().StartsWith("torch", System.StringComparison.Ordinal);
        var target = spelledWithTorch
            ? SyntaxFactory.ParseExpression("torch.cuda.manual_seed_all")
            : SyntaxFactory.ParseExpression("global::TorchSharp.torch.cuda.manual_seed_all").WithAdditionalAnnotations(Simplifier.Annotation);
        var call = SyntaxFactory.ExpressionStatement(
            SyntaxFactory.InvocationExpression(
                target,
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(seed.WithoutTrivia())))));
        if (statement.Parent is GlobalStatementSyntax global)
        {
            var globalCall = SyntaxFactory.GlobalStatement(call).WithLeadingTrivia(global.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
                .WithTrailingTrivia(global.GetTrailingTrivia());
            return root.InsertNodesAfter(global, new[] { globalCall });
        }

        // Same indentation and line ending as the statement it follows.
        call = call.WithLeadingTrivia(statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)))
            .WithTrailingTrivia(statement.GetTrailingTrivia());
        return root.InsertNodesAfter(statement, new[] { call });
    }
}
