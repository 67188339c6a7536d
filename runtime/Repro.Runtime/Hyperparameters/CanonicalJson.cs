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

    /// <summary>Adds a duration as its invariant constant form, e.g. "00:00:30" or "1.02:03:04.5000000".</summary>
    public CanonicalJson Add(string key, TimeSpan value) => Add(key, value.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>Adds an array of whole numbers (or null).</summary>
    public CanonicalJson AddArray(string key, IEnumerable<long>? values) => Set(key, w => WriteArray(w, values, (writer, v) => writer.WriteNumberValue(v)));

    /// <summary>Adds an array of numbers (or null); NaN and infinities become strings.</summary>
    public CanonicalJson AddArray(string key, IEnumerable<double>? values) => Set(key, w => WriteArray(w, values, (writer, v) =>
    {
        if (double.IsFinite(v))
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }));

    /// <summary>Adds an array of booleans (or null).</summary>
    public CanonicalJson AddArray(string key, IEnumerable<bool>? values) => Set(key, w => WriteArray(w, values, (writer, v) => writer.WriteBooleanValue(v)));

    /// <summary>Adds an array of strings (or null); null elements are JSON null.</summary>
    public CanonicalJson AddArray(string key, IEnumerable<string?>? values) => Set(key, w => WriteArray(w, values, (writer, v) =>
    {
        if (v is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(v);
        }
    }));

    /// <summary>Adds a nested configuration as its own canonical JSON object (or null).</summary>
    public CanonicalJson AddObject(string key, IHyperparameters? value) => Set(key, w =>
    {
        if (value is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteRawValue(value.ToCanonicalJson());
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

    private static void WriteArray<T>(Utf8JsonWriter writer, IEnumerable<T>? values, Action<Utf8JsonWriter, T> write)
    {
        if (values is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        foreach (var value in values)
        {
            write(writer, value);
        }

        writer.WriteEndArray();
    }

    private CanonicalJson Set(string key, Action<Utf8JsonWriter> write)
    {
        if (!_values.TryAdd(key, write))
        {
            throw new ArgumentException($"Hyperparameter '{key}' is added twice.", nameof(key));
        }

        return this;
    }
}
