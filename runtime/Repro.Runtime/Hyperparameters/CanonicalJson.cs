using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Repro.Hyperparameters;

/// <summary>
/// Builds the canonical JSON of a configuration: one object, keys sorted ordinally whatever order
/// they were added in, numbers in invariant round-trip form, no whitespace. Used by generated code.
/// </summary>
public sealed class CanonicalJson
{
    private readonly SortedDictionary<string, Action<Utf8JsonWriter>> _values = new(StringComparer.Ordinal);

    /// <summary>Adds a number.</summary>
    public CanonicalJson Add(string key, long value) => Set(key, w => w.WriteNumberValue(value));

    /// <summary>Adds a number; NaN and infinities become the strings "NaN", "Infinity", "-Infinity".</summary>
    public CanonicalJson Add(string key, double value) => Set(key, w =>
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    });

    /// <summary>Adds a boolean.</summary>
    public CanonicalJson Add(string key, bool value) => Set(key, w => w.WriteBooleanValue(value));

    /// <summary>Adds a string (or null).</summary>
    public CanonicalJson Add(string key, string? value) => Set(key, w =>
    {
        if (value is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStringValue(value);
        }
    });

    /// <summary>The JSON text.</summary>
    public string Build()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, write) in _values)
            {
                writer.WritePropertyName(key);
                write(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="canonicalJson"/>, lowercase hex.</summary>
    public static string Sha256(string canonicalJson)
    {
        ArgumentNullException.ThrowIfNull(canonicalJson);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
    }

    /// <summary>A double as the summary shows it: invariant, round-trip.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private CanonicalJson Set(string key, Action<Utf8JsonWriter> write)
    {
        if (!_values.TryAdd(key, write))
        {
            throw new ArgumentException($"Hyperparameter '{key}' is added twice.", nameof(key));
        }

        return this;
    }
}
