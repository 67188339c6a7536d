using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Repro.Analyzers.Internals;

/// <summary>
/// Whether code runs with gradients switched off: inside <c>using (torch.no_grad())</c> or after
/// <c>using var _ = torch.no_grad();</c> (or <c>inference_mode()</c>) in an enclosing block of the same member.
/// No backward pass can run through what is computed there, so rules about nondeterministic backward kernels are
/// silent. Syntax only, and asked only for the rare calls those rules match.
/// </summary>
internal static class GradientScopes
{
    public static bool IsInNoGradScope(SyntaxNode node)
    {
        for (SyntaxNode? child = node, parent = node.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case UsingStatementSyntax statement when statement.Statement == child
                    && (SwitchesGradientsOff(statement.Expression) || SwitchesGradientsOff(statement.Declaration)):
                    return true;
                case BlockSyntax block when child is StatementSyntax current:
                    foreach (var earlier in block.Statements.TakeWhile(statement => statement != current))
                    {
                        if (earlier is LocalDeclarationStatementSyntax declaration
                            && declaration.UsingKeyword.IsKind(SyntaxKind.UsingKeyword)
                            && SwitchesGradientsOff(declaration.Declaration))
                        {
                            return true;
                        }
                    }

                    break;
                case MemberDeclarationSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax:
                    // A lambda or local function may run anywhere; a member's callers are not followed.
                    return false;
            }
        }

        return false;
    }

    private static bool SwitchesGradientsOff(SyntaxNode? node) =>
        node is not null && node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>().Any(invocation => invocation.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText is "no_grad" or "inference_mode",
            IdentifierNameSyntax name => name.Identifier.ValueText is "no_grad" or "inference_mode",
            _ => false,
        });
}
