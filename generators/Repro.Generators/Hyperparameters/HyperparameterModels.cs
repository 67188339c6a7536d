using Repro.Generators.Common;

namespace Repro.Generators.Hyperparameters;

/// <summary>One [Hyperparameter] property as plain equatable data.</summary>
/// <param name="Containing">The configuration type.</param>
/// <param name="Name">The property's name.</param>
/// <param name="Key">Its key: snake_case of the name.</param>
/// <param name="Kind">bool, int, long, float, double, string, timespan or enum: of the elements, for an array.</param>
/// <param name="IsArray">Whether the property is a one-dimensional array of <paramref name="Kind"/>.</param>
/// <param name="TypeName">Fully qualified type of the value (of the elements, for an array), for enums.</param>
/// <param name="Description">From the attribute.</param>
/// <param name="Unit">From the attribute.</param>
/// <param name="Min">From the attribute; NaN when absent.</param>
/// <param name="Max">From the attribute; NaN when absent.</param>
/// <param name="AllowedValues">From the attribute.</param>
/// <param name="Required">From the attribute.</param>
/// <param name="Secret">From the attribute: recorded only as a keyed hash, shown as ***.</param>
/// <param name="Sensitive">From the attribute: recorded as a keyed pseudonym (strings only).</param>
internal sealed record HyperparameterModel(
    ContainingTypeModel Containing,
    string Name,
    string Key,
    string Kind,
    bool IsArray,
    string TypeName,
    string? Description,
    string? Unit,
    double Min,
    double Max,
    EquatableArray<string> AllowedValues,
    bool Required,
    bool Secret,
    bool Sensitive);

/// <summary>A configuration type and its hyperparameters, sorted by key.</summary>
internal sealed record HyperparameterTypeModel(ContainingTypeModel Containing, EquatableArray<HyperparameterModel> Properties);

/// <summary>What parsing one attributed property gave.</summary>
internal sealed record HyperparameterParseResult(HyperparameterModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
