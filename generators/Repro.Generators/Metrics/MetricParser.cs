using System.Collections.Generic;
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
    /// <summary>Parses one attributed method: its model when it can be generated, and every problem found.</summary>
    public static MetricParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not MethodDeclarationSyntax syntax || context.TargetSymbol is not IMethodSymbol method)
        {
            return new MetricParseResult(null, null, default);
        }

        var diagnostics = ImmutableArray.CreateBuilder<DiagnosticInfo>();
        var location = syntax.Identifier.GetLocation();
        var display = method.ContainingType.Name + "." + method.Name;
        var containing = ContainingTypes.Parse(syntax, method.ContainingType);
        if (!method.IsPartialDefinition || containing is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MetricDiagnostics.NotPartial, location, display));
        }

        if (!method.ReturnsVoid)
        {
            diagnostics.Add(DiagnosticInfo.Create(MetricDiagnostics.NotVoid, location, display, method.ReturnType.ToDisplayString()));
        }

        var unsupportedValue = method.Parameters.Skip(1).FirstOrDefault(p => ValueTypeKeyword(p.Type) is null);
        var tensorValue = method.Parameters.Skip(1).FirstOrDefault(p => ValueTypeKeyword(p.Type) == TensorKeyword);
        var parameterProblem =
            method.IsGenericMethod ? "it is generic"
            : method.Parameters.Length < 2 ? $"it has {method.Parameters.Length} parameter(s)"
            : method.Parameters[0].Type.SpecialType != SpecialType.System_Int64 ? $"the step is {method.Parameters[0].Type.ToDisplayString()}"
            : unsupportedValue is not null ? $"value '{unsupportedValue.Name}' is {unsupportedValue.Type.ToDisplayString()}"
            : method.Parameters.Any(p => p.RefKind != RefKind.None) ? "a parameter is passed by reference"
            : tensorValue is not null && context.SemanticModel.Compilation.GetTypeByMetadataName(TensorMetricsType) is null
                ? $"value '{tensorValue.Name}' is a TorchSharp tensor, which is logged through Repro.TorchSharp; add a reference to the Repro.TorchSharp package"
            : null;
        if (parameterProblem is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(MetricDiagnostics.UnsupportedParameters, location, display, parameterProblem));
        }

        var attribute = context.Attributes[0];
        var name = ExplicitName(context.Attributes) ?? DeriveName(method.Name);
        // One value keeps the method's metric name; several become name/parameter each.
        var values = method.Parameters.Skip(1)
            .Select(p => new MetricValueModel(p.Name, ValueTypeKeyword(p.Type) ?? "?", method.Parameters.Length == 2 ? name : name + "/" + DeriveName(p.Name)))
            .ToImmutableArray();
        foreach (var metricName in values.Select(v => v.MetricName).DefaultIfEmpty(name).Distinct())
        {
            if (NameProblem(metricName) is { } nameProblem)
            {
                diagnostics.Add(DiagnosticInfo.Create(MetricDiagnostics.InvalidName, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location, metricName, nameProblem));
            }
        }

        var options = ParseOptions(attribute);
        foreach (var problem in OptionProblems(options).Concat(TensorProblems(options, tensorValue is not null)))
        {
            diagnostics.Add(DiagnosticInfo.Create(MetricDiagnostics.InvalidOptions, attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? location, display, problem));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var model = diagnostics.Count > 0
            ? null
            : new MetricMethodModel(
                containing!,
                syntax.Modifiers.ToString(),
                method.Name,
                name,
                method.Parameters[0].Name,
                new EquatableArray<MetricValueModel>(values),
                options);
        return new MetricParseResult(model, LocationInfo.From(location), new EquatableArray<DiagnosticInfo>(diagnostics.ToImmutable()));
    }

    /// <summary>Why a metric name would be refused at run time (same rules as MetricDeclaration), or null.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > 128)
        {
            return $"it has {name.Length} characters; at most 128 are allowed";
        }

        foreach (var c in name)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '_' or '.' or '/' or '-'))
            {
                return $"'{c}' is not allowed; use ASCII letters, digits, '_', '.', '/' and '-'";
            }
        }

        return null;
    }

    private static MetricOptionsModel ParseOptions(AttributeData attribute)
    {
        var options = MetricOptionsModel.Default;
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value;
            options = argument.Key switch
            {
                "Unit" => options with { Unit = value.Value as string },
                "EveryNSteps" when value.Value is int every => options with { EveryNSteps = every },
                "Aggregation" when value.Value is int aggregation => options with { Aggregation = aggregation },
                "IntervalSteps" when value.Value is long interval => options with { IntervalSteps = interval },
                "RecordValues" when value.Value is bool record => options with { RecordValues = record },
                "Goal" when value.Value is int goal => options with { Goal = goal },
                "Tags" when value.Kind == TypedConstantKind.Array && !value.IsNull =>
                    options with { Tags = new EquatableArray<string>(value.Values.Select(v => v.Value as string ?? string.Empty).ToImmutableArray()) },
                "AlertNotFinite" when value.Value is bool notFinite => options with { Alerts = options.Alerts with { NotFinite = notFinite } },
                "AlertAbove" when value.Value is double above => options with { Alerts = options.Alerts with { Above = above } },
                "AlertBelow" when value.Value is double below => options with { Alerts = options.Alerts with { Below = below } },
                "AlertSpikeSigmas" when value.Value is double sigmas => options with { Alerts = options.Alerts with { SpikeSigmas = sigmas } },
                "AlertSpikeWindow" when value.Value is int window => options with { Alerts = options.Alerts with { SpikeWindow = window } },
                "AlertStallSeconds" when value.Value is double seconds => options with { Alerts = options.Alerts with { StallSeconds = seconds } },
                "Reduction" when value.Value is int reduction => options with { Reduction = reduction },
                "HistogramBounds" when value.Kind == TypedConstantKind.Array && !value.IsNull =>
                    options with { HistogramBounds = new EquatableArray<double>(value.Values.Select(v => v.Value is double d ? d : double.NaN).ToImmutableArray()) },
                _ => options,
            };
        }

        return options;
    }

    /// <summary>The checks MetricAlerts makes at run time, made at compile time.</summary>
    private static IEnumerable<string> AlertProblems(MetricAlertsModel alerts)
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        if (double.IsInfinity(alerts.Above))
        {
            yield return "AlertAbove must be finite";
        }

        if (double.IsInfinity(alerts.Below))
        {
            yield return "AlertBelow must be finite";
        }

        if (alerts.Below >= alerts.Above)
        {
            yield return $"AlertBelow ({alerts.Below.ToString("R", invariant)}) is not below AlertAbove ({alerts.Above.ToString("R", invariant)}), so every value would fire one of them";
        }

        if (!double.IsNaN(alerts.SpikeSigmas) && (alerts.SpikeSigmas <= 0 || double.IsInfinity(alerts.SpikeSigmas)))
        {
            yield return $"AlertSpikeSigmas is {alerts.SpikeSigmas.ToString("R", invariant)}; it must be finite and above 0";
        }

        if (alerts.SpikeWindow is < 8 or > 100_000)
        {
            yield return $"AlertSpikeWindow is {alerts.SpikeWindow}; it must be from 8 to 100,000";
        }

        if (double.IsNaN(alerts.SpikeSigmas) && alerts.SpikeWindow != MetricAlertsModel.None.SpikeWindow)
        {
            yield return "AlertSpikeWindow is set but AlertSpikeSigmas is not";
        }

        // TimeSpan.FromSeconds refuses more than about 9.2e11 seconds; a stall that long could never fire anyway.
        if (!double.IsNaN(alerts.StallSeconds) && !(alerts.StallSeconds > 0 && alerts.StallSeconds <= 9e11))
        {
            yield return $"AlertStallSeconds is {alerts.StallSeconds.ToString("R", invariant)}; it must be above 0 and at most 9e11";
        }
    }

    /// <summary>Checks of Reduction, which only tensor values take.</summary>
    private static IEnumerable<string> TensorProblems(MetricOptionsModel options, bool hasTensorValue)
    {
        if (options.Reduction is < 0 or > 5)
        {
            yield return $"Reduction {options.Reduction} is not a TensorReduction";
        }
        else if (options.Reduction != 0 && !hasTensorValue)
        {
            yield return "Reduction is set but no value is a TorchSharp tensor; only tensors are reduced";
        }
        else if (options.Reduction != 0 && options.Aggregation == 2)
        {
            yield return "a Histogram counts every element of its tensor, so it takes no Reduction";
        }
    }

    /// <summary>The same checks MetricOptions makes at run time, made at compile time.</summary>
    private static IEnumerable<string> OptionProblems(MetricOptionsModel options)
    {
        if (options.EveryNSteps < 1)
        {
            yield return $"EveryNSteps is {options.EveryNSteps}; it must be at least 1";
        }

        if (options.IntervalSteps < 1)
        {
            yield return $"IntervalSteps is {options.IntervalSteps}; it must be at least 1";
        }

        if (options.Aggregation is < 0 or > 7)
        {
            yield return $"Aggregation {options.Aggregation} is not a MetricAggregation";
        }

        if (options.Goal is < 0 or > 2)
        {
            yield return $"Goal {options.Goal} is not a MetricGoal";
        }

        if (!options.RecordValues && options.Aggregation == 0)
        {
            yield return "RecordValues is false and there is no Aggregation, so nothing would be recorded";
        }

        if (options.Aggregation == 2 && options.HistogramBounds.Length == 0)
        {
            yield return "a Histogram needs HistogramBounds";
        }

        if (options.HistogramBounds.Length > 0 && options.Aggregation != 2)
        {
            yield return "HistogramBounds is set but Aggregation is not Histogram";
        }

        for (var i = 0; i < options.HistogramBounds.Length; i++)
        {
            var bound = options.HistogramBounds[i];
            if (double.IsNaN(bound) || double.IsInfinity(bound) || (i > 0 && bound <= options.HistogramBounds[i - 1]))
            {
                yield return $"HistogramBounds must be finite and strictly increasing; bound {i} is {bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
                break;
            }
        }

        foreach (var problem in AlertProblems(options.Alerts))
        {
            yield return problem;
        }

        if (options.Unit is { } unit && (unit.Length > 256 || unit.Any(char.IsControl)))
        {
            yield return "Unit has more than 256 characters or a control character";
        }

        if (options.Tags.Length > 16)
        {
            yield return $"it has {options.Tags.Length} tags; at most 16 are allowed";
        }

        var keys = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var tag in options.Tags)
        {
            var separator = tag.IndexOf('=');
            var key = separator < 0 ? tag : tag.Substring(0, separator);
            var value = separator < 0 ? null : tag.Substring(separator + 1);
            if (value is null)
            {
                yield return $"tag '{tag}' is not key=value";
            }
            else if (key.Length is 0 or > 64 || !key.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c is '_' or '.' or '-'))
            {
                yield return $"tag key '{key}' must be 1 to 64 ASCII letters, digits, '_', '.' and '-'";
            }
            else if (value.Length > 256 || value.Any(char.IsControl))
            {
                yield return $"tag '{key}' has a value over 256 characters or with a control character";
            }
            else if (!keys.Add(key))
            {
                yield return $"tag '{key}' is given twice";
            }
        }
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

    /// <summary>What a value of TorchSharp's tensor type is called in the model and the generated code.</summary>
    public const string TensorKeyword = "global::TorchSharp.torch.Tensor";

    // Generated calls for tensor values go to this type, in the Repro.TorchSharp package.
    private const string TensorMetricsType = "Repro.TorchSharp.Metrics.TensorMetrics";

    private static string? ValueTypeKeyword(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Double => "double",
        SpecialType.System_Single => "float",
        SpecialType.System_Int32 => "int",
        SpecialType.System_Int64 => "long",
        _ when IsTensor(type) => TensorKeyword,
        _ => null,
    };

    /// <summary>TorchSharp's <c>torch.Tensor</c>: a nested class of the static class <c>torch</c> in namespace <c>TorchSharp</c>.</summary>
    private static bool IsTensor(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Tensor", ContainingType: { Name: "torch", ContainingType: null } torch }
        && torch.ContainingNamespace is { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true };

}
