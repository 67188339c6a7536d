using System.Text;
using System.Text.Json;

namespace Repro.Hyperparameters;

/// <summary>A configuration's leaves by dotted path (<c>optimizer.beta1</c>), as searched by the index and compared by diff.</summary>
public static class ConfigurationPaths
{
    /// <summary>Every value that is not an object, with its dotted path, in document order; arrays are leaves.</summary>
    public static IEnumerable<(string Path, JsonElement Value)> Leaves(JsonElement configuration, string prefix = "")
    {
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            yield return (prefix, configuration);
            yield break;
        }

        foreach (var property in configuration.EnumerateObject())
        {
            foreach (var leaf in Leaves(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}"))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>The configuration as dotted path → compact JSON value, in ordinal key order; empty for none.</summary>
    public static SortedDictionary<string, string> Flatten(JsonElement? configuration)
    {
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (configuration is { } root)
        {
            foreach (var (path, value) in Leaves(root))
            {
                values[path] = Compact(value);
            }
        }

        return values;
    }

    /// <summary>The element's JSON without whitespace, whatever the manifest's indentation, so <c>[64,64]</c> matches.</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
