using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Repro.Generators.Common;

namespace Repro.Generators.Hyperparameters;

/// <summary>
/// Implements <c>Repro.IHyperparameters</c> for every type with <c>[Repro.Hyperparameter]</c>
/// properties: canonical JSON and its SHA-256, validation, binding and a summary.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class HyperparameterGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the attribute this generator looks for.</summary>
    public const string HyperparameterAttributeName = "Repro.HyperparameterAttribute";

    /// <summary>Tracking names of the pipeline's steps, for cache tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The parsed properties.</summary>
        public const string Properties = nameof(Properties);

        /// <summary>The configuration types, each with its properties.</summary>
        public const string Types = nameof(Types);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(HyperparameterAttributeName, static (node, _) => node is PropertyDeclarationSyntax, HyperparameterParser.Parse)
            .WithTrackingName(TrackingNames.Properties);

        context.RegisterSourceOutput(parsed, static (output, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // A type's code needs all its properties; after grouping, each type is cached on its own.
        var types = parsed
            .Where(static result => result.Model is not null)
            .Select(static (result, _) => result.Model!)
            .Collect()
            .SelectMany(static (all, _) => all
                .GroupBy(p => p.Containing.HintName, System.StringComparer.Ordinal)
                .OrderBy(g => g.Key, System.StringComparer.Ordinal)
                .Select(g => new HyperparameterTypeModel(g.First().Containing, new EquatableArray<HyperparameterModel>(g.OrderBy(p => p.Key, System.StringComparer.Ordinal).ToImmutableArray()))))
            .WithTrackingName(TrackingNames.Types);

        context.RegisterSourceOutput(types, static (output, type) =>
            output.AddSource(HyperparameterEmitter.HintName(type), HyperparameterEmitter.Emit(type)));
    }
}
