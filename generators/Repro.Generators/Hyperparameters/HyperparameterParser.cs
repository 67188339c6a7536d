using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Repro.Generators.Common;
using Repro.Generators.Metrics;

namespace Repro.Generators.Hyperparameters;

/// <summary>Turns a [Hyperparameter] property into a <see cref="HyperparameterModel"/> and diagnostics.</summary>
internal static class HyperparameterParser
{
    public static HyperparameterParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not PropertyDeclarationSyntax syntax || context.TargetSymbol is not IPropertySymbol property)
        {
            return new HyperparameterParseResult(null, default);
        }

        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        var location = syntax.Identifier.GetLocation();
        var display = property.ContainingType.Name + "." + property.Name;
        var containing = ContainingTypes.Parse(syntax, property.ContainingType);
        if (containing is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(HyperparameterDiagnostics.NotPartial, location, display));
        }

        var isArray = property.Type is IArrayTypeSymbol { Rank: 1 };
        var valueType = property.Type is IArrayTypeSymbol { Rank: 1 } array ? array.ElementType : property.Type;
        var kind = KindOf(valueType);
        if (kind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(HyperparameterDiagnostics.UnsupportedType, location, display, property.Type.ToDisplayString()));
        }

        if (property.SetMethod is null || property.SetMethod.IsInitOnly)
        {
            diagnostics.Add(DiagnosticInfo.Create(HyperparameterDiagnostics.NoSetter, location, display));
        }

        var attribute = context.Attributes[0];
        string? description = null, unit = null;
        double min = double.NaN, max = double.NaN;
        var allowed = ImmutableArray<string>.Empty;
        var required = false;
        var secret = false;
        var sensitive = false;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Description": description = argument.Value.Value as string; break;
                case "Unit": unit = argument.Value.Value as string; break;
                case "Min" when argument.Value.Value is double d: min = d; break;
                case "Max" when argument.Value.Value is double d: max = d; break;
                case "Required" when argument.Value.Value is bool b: required = b; break;
                case "Secret" when argument.Value.Value is bool b: secret = b; break;
                case "Sensitive" when argument.Value.Value is bool b: sensitive = b; break;
                case "AllowedValues" when !argument.Value.IsNull:
                    allowed = argument.Value.Values.Select(v => v.Value as string ?? string.Empty).ToImmutableArray();
                    break;
            }
        }

        if (kind == "nested" && isArray)
        {
            diagnostics.Add(DiagnosticInfo.Create(HyperparameterDiagnostics.UnsupportedType, location, display, property.Type.ToDisplayString() + " (an array of configurations)"));
        }

        var isNumber = kind is "int" or "long" or "float" or "double";
        var ruleLocation = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location;
        void Rule(string problem) => diagnostics.Add(DiagnosticInfo.Create(HyperparameterDiagnostics.InvalidRule, ruleLocation, display, problem));
        if (kind is not null && kind != "nested" && !isNumber && (!double.IsNaN(min) || !double.IsNaN(max)))
        {
            Rule("Min and Max apply to numbers only");
        }

        if (!double.IsNaN(min) && !double.IsNaN(max) && min > max)
        {
            Rule("Min is greater than Max");
        }

        if (kind is not null && kind is not "string" and not "nested" && allowed.Length > 0)
        {
            Rule("AllowedValues apply to strings only (an enum already lists its values)");
        }

        if (kind == "nested" && (!double.IsNaN(min) || !double.IsNaN(max) || allowed.Length > 0 || required))
        {
            Rule("a nested configuration has its own rules; put them on its properties");
        }
        else if (kind is not null && kind != "string" && !isArray && required)
        {
            Rule("Required applies to strings and arrays only");
        }

        if (kind is not null && kind != "string" && sensitive)
        {
            Rule("Sensitive applies to strings (and string arrays) only: it records a keyed pseudonym of the text");
        }
        else if (secret && sensitive)
        {
            Rule("a hyperparameter is Secret (recorded as a hash under the home's key) or Sensitive (a pseudonym under the team's key), not both");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = diagnostics.Count > 0
            ? null
            : new HyperparameterModel(
                containing!,
                property.Name,
                MetricParser.DeriveName(property.Name),
                kind!,
                isArray,
                valueType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                description,
                unit,
                min,
                max,
                new EquatableArray<string>(allowed),
                required,
                secret,
                sensitive);
        return new HyperparameterParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
    }

    /// <summary>A class or record with [Hyperparameter] properties of its own: its code is generated too.</summary>
    private static bool IsNestedConfiguration(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Class
        && type.SpecialType == SpecialType.None
        && type.GetMembers().OfType<IPropertySymbol>().Any(p => p.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == HyperparameterGenerator.HyperparameterAttributeName));

    private static string? KindOf(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Enum ? "enum"
        : IsNestedConfiguration(type) ? "nested"
        : type is INamedTypeSymbol { Name: "TimeSpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } ? "timespan"
        : type.SpecialType switch
    {
        SpecialType.System_Boolean => "bool",
        SpecialType.System_Int32 => "int",
        SpecialType.System_Int64 => "long",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        SpecialType.System_String => "string",
        _ => null,
    };
}
