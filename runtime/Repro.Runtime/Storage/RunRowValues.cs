using System.Globalization;
using System.Text.Json;
using Repro.Runs;

namespace Repro.Storage;

/// <summary>How a run's manifest becomes row values, the same in the local SQLite index and the central PostgreSQL store, so both answer searches alike.</summary>
internal static class RunRowValues
{
    /// <summary>
    /// Hyperparameters as (dotted path, number, text) rows: numbers keep both forms, strings and Booleans are text,
    /// arrays and nulls keep their compact JSON.
    /// </summary>
    public static IEnumerable<(string Path, double? Number, string Text)> Flatten(JsonElement configuration) =>
        Hyperparameters.ConfigurationPaths.Leaves(configuration).Select(leaf => leaf.Value.ValueKind switch
        {
            JsonValueKind.Number => (leaf.Path, leaf.Value.TryGetDouble(out var number) && double.IsFinite(number) ? number : (double?)null, leaf.Value.GetRawText()),
            JsonValueKind.String => (leaf.Path, null, leaf.Value.GetString()!),
            JsonValueKind.True => (leaf.Path, null, "true"),
            JsonValueKind.False => (leaf.Path, null, "false"),
            _ => (leaf.Path, null, Hyperparameters.ConfigurationPaths.Compact(leaf.Value)),
        });

    /// <summary>A metric value fit for a numeric column: NaN is stored as no value.</summary>
    public static object Finite(double? value) => value is { } v && !double.IsNaN(v) ? v : DBNull.Value;

    /// <summary>The status as the manifest spells it (camelCase).</summary>
    public static string StatusName(RunStatus status) => JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    /// <summary>A status read back from a row; unknown words read as running, which every reader re-checks.</summary>
    public static RunStatus ParseStatus(string text) => Enum.TryParse<RunStatus>(text, ignoreCase: true, out var parsed) ? parsed : RunStatus.Running;

    /// <summary>Fixed width (UTC, seven fraction digits), so text order is time order.</summary>
    public static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", CultureInfo.InvariantCulture);
}
