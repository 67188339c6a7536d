using System.Composition;
using Microsoft.CodeAnalysis;
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
public sealed class UnseededRandomFixer : NodeFixProvider<BaseObjectCreationExpressionSyntax>
{
    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.UnseededRandom;

    private protected override NodeFix? CreateFix(FixTarget<BaseObjectCreationExpressionSyntax> target)
    {
        var creation = target.Node;
        var seed = SeedInScope.Find(target.Model, creation, target.Cancellation);
        var root = target.Root;
        return new NodeFix(seed is null ? "Seed Random with a fixed value (0)" : $"Seed Random with '{seed}'", _ => root.ReplaceNode(creation, WithSeed(creation, seed)));
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
