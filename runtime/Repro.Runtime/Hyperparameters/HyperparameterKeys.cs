namespace Repro.Hyperparameters;

/// <summary>For generated configurations: the dotted keys of flagged hyperparameters, nested ones included.</summary>
public static class HyperparameterKeys
{
    /// <summary>
    /// <paramref name="own"/> and, for each nested configuration, its keys prefixed by its key and a dot, sorted
    /// ordinally (a nested configuration that is null contributes none).
    /// </summary>
    public static IReadOnlyCollection<string> Combine(string[] own, params (string Prefix, IReadOnlyCollection<string>? Keys)[] nested)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(nested);
        return [.. own.Concat(nested.SelectMany(n => (n.Keys ?? []).Select(key => n.Prefix + "." + key))).Order(StringComparer.Ordinal)];
    }
}
