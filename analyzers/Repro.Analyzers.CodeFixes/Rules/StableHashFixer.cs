using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using Repro.Analyzers.CodeFixes.Internals;
using Repro.Analyzers.Internals;

namespace Repro.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes REPRO1006 by replacing <c>text.GetHashCode()</c> with <c>Repro.StableHash.Of(text)</c>, a hash with a fixed
/// definition. Offered only where the project references Repro.Runtime, and only for the parameterless form.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(StableHashFixer)), Shared]
public sealed class StableHashFixer : NodeFixProvider<InvocationExpressionSyntax>
{
    internal const string StableHashType = "Repro.StableHash";

    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.StringHashCode;

    private protected override NodeFix? CreateFix(FixTarget<InvocationExpressionSyntax> target)
    {
        if (target.Model.Compilation.GetTypeByMetadataName(StableHashType) is null
            || target.Node is not { Expression: MemberAccessExpressionSyntax { Expression: var text }, ArgumentList.Arguments.Count: 0 } invocation
            || target.Model.GetTypeInfo(text, target.Cancellation).Type?.SpecialType != SpecialType.System_String)
        {
            return null;
        }

        var stable = SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression("global::" + StableHashType + ".Of").WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(text.WithoutTrivia()))))
            .WithTriviaFrom(invocation);
        var root = target.Root;
        return new NodeFix("Use Repro.StableHash.Of", _ => root.ReplaceNode(invocation, stable));
    }
}
