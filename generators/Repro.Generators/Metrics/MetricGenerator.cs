using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var methods = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                MetricAttributeName,
                static (node, _) => node is MethodDeclarationSyntax,
                MetricParser.Parse)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.MetricMethods);

        context.RegisterSourceOutput(methods, static (output, model) =>
            output.AddSource(MetricEmitter.HintName(model), MetricEmitter.Emit(model)));
    }
}
