using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Repro.Generators.Common;

namespace Repro.Generators.Metrics;

/// <summary>
/// Writes the bodies of partial methods marked <c>[Repro.Metric]</c>: each call records a scalar
/// into <c>Repro.Run.Current</c>, and does nothing when no run is active.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class MetricGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the attribute this generator looks for.</summary>
    public const string MetricAttributeName = "Repro.MetricAttribute";

    /// <summary>Tracking names of the pipeline's steps, for cache tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed [Metric] methods.</summary>
        public const string MetricMethods = nameof(MetricMethods);

        /// <summary>The models code is generated from (no locations: edits elsewhere leave them cached).</summary>
        public const string MetricModels = nameof(MetricModels);

        /// <summary>Every metric name of the compilation, for the duplicate check.</summary>
        public const string MetricNames = nameof(MetricNames);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                MetricAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                MetricParser.Parse)
            .WithTrackingName(TrackingNames.MetricMethods);

        context.RegisterSourceOutput(parsed, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var models = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .WithTrackingName(TrackingNames.MetricModels);
        context.RegisterSourceOutput(models, static (output, model) =>
            output.AddSource(MetricEmitter.HintName(model), MetricEmitter.Emit(model)));

        // Duplicate names need every method of the compilation: only the names travel this branch.
        var names = parsed
            .Where(static result => result.Model is not null)
            .SelectMany(static (result, _) => result.Model!.Values.Select(v => new MetricName(v.MetricName, result.Model.Containing.HintName + "." + result.Model.MethodName, result.Location)))
            .Collect()
            .WithTrackingName(TrackingNames.MetricNames);
        context.RegisterSourceOutput(names, static (output, all) =>
        {
            foreach (var group in all.GroupBy(n => n.Name, System.StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                var ordered = group.OrderBy(n => n.Method, System.StringComparer.Ordinal).ToList();
                foreach (var duplicate in ordered.Skip(1))
                {
                    output.ReportDiagnostic(DiagnosticInfo.Create(MetricDiagnostics.DuplicateName, duplicate.Location?.ToLocation(), duplicate.Name, ordered[0].Method).ToDiagnostic());
                }
            }
        });
    }

    private sealed record MetricName(string Name, string Method, LocationInfo? Location);
}
