using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Repro.Generators.Common;

namespace Repro.Generators.Metrics;

/// <summary>Turns a [Metric] method's syntax and symbol into a <see cref="MetricMethodModel"/>.</summary>
internal static class MetricParser
{
    /// <summary>
    /// The model of the attributed method, or null when its shape is not supported (the compiler
    /// then reports the partial method as lacking an implementation).
    /// </summary>
    public static MetricMethodModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax syntax
            || context.TargetSymbol is not IMethodSymbol method
            || !method.IsPartialDefinition
            || !method.ReturnsVoid
            || method.IsGenericMethod
            || method.Parameters.Length != 2
            || method.Parameters[0].Type.SpecialType != SpecialType.System_Int64
            || method.Parameters.Any(p => p.RefKind != RefKind.None))
        {
            return null;
        }

        var valueType = ValueTypeKeyword(method.Parameters[1].Type.SpecialType);
        var containing = ParseContainingType(syntax, method.ContainingType);
        if (valueType is null || containing is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new MetricMethodModel(
            containing,
            syntax.Modifiers.ToString(),
            method.Name,
            ExplicitName(context.Attributes) ?? DeriveName(method.Name),
            method.Parameters[0].Name,
            method.Parameters[1].Name,
            valueType);
    }

    /// <summary>
    /// The metric name derived from a method name: a leading "Log" is dropped and PascalCase becomes
    /// snake_case, so <c>LogTrainLoss</c> is <c>train_loss</c>.
    /// </summary>
    public static string DeriveName(string methodName)
    {
        var name = methodName.Length > 3 && methodName.StartsWith("Log", System.StringComparison.Ordinal) && char.IsUpper(methodName[3])
            ? methodName.Substring(3)
            : methodName;
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (i > 0 && (previousIsLower || (nextIsLower && char.IsUpper(name[i - 1]))))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string? ExplicitName(ImmutableArray<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string name)
            {
                return name;
            }
        }

        return null;
    }

    private static string? ValueTypeKeyword(SpecialType type) => type switch
    {
        SpecialType.System_Double => "double",
        SpecialType.System_Single => "float",
        SpecialType.System_Int32 => "int",
        SpecialType.System_Int64 => "long",
        _ => null,
    };

    private static ContainingTypeModel? ParseContainingType(MethodDeclarationSyntax method, INamedTypeSymbol type)
    {
        var declarations = ImmutableArray.CreateBuilder<string>();
        for (var node = method.Parent as TypeDeclarationSyntax; node is not null; node = node.Parent as TypeDeclarationSyntax)
        {
            if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return null;
            }

            declarations.Insert(0, $"partial {Keyword(node)} {node.Identifier.ValueText}{node.TypeParameterList}");
        }

        if (declarations.Count == 0)
        {
            return null;
        }

        var ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        var hint = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithGlobalNamespaceStyle(SymbolDisplayGlobalNamespaceStyle.Omitted))
            .Replace('<', '{').Replace('>', '}').Replace(' ', '_');
        return new ContainingTypeModel(ns, new EquatableArray<string>(declarations.ToImmutable()), hint);
    }

    private static string Keyword(TypeDeclarationSyntax node) => node switch
    {
        RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
        RecordDeclarationSyntax => "record",
        _ => node.Keyword.ValueText,
    };
}
