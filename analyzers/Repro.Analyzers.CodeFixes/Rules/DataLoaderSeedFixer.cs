using System.Composition;
using Microsoft.CodeAnalysis;
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
public sealed class DataLoaderSeedFixer : NodeFixProvider<SyntaxNode>
{
    /// <inheritdoc />
    protected override string DiagnosticId => RuleIds.UnseededDataLoaderShuffle;

    private protected override NodeFix? CreateFix(FixTarget<SyntaxNode> target)
    {
        var arguments = target.Node switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
            _ => null,
        };
        if (arguments is null || HasNamedSeed(arguments))
        {
            return null;
        }

        var seed = SeedInScope.Find(target.Model, target.Node, target.Cancellation);
        var seeded = arguments.AddArguments(
            SyntaxFactory.Argument(SeedInScope.Expression(seed)).WithNameColon(SyntaxFactory.NameColon("seed")));
        var root = target.Root;
        return new NodeFix(seed is null ? "Shuffle with a fixed seed (0)" : $"Shuffle with seed '{seed}'", _ => root.ReplaceNode(arguments, seeded));
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
