using System.Text.Json;
using System.Text.Json.Serialization;

namespace Repro.Runs;

/// <summary>Reads and writes <see cref="RunManifest"/> as JSON, with owner-only permissions and atomic replacement.</summary>
public static class RunManifestJson
{
    /// <summary>Serializes <paramref name="manifest"/> to indented JSON (stable property order, invariant formats).</summary>
    public static string Serialize(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return JsonSerializer.Serialize(manifest, ManifestJsonContext.Default.RunManifest);
    }

    /// <summary>Serializes several manifests as one indented JSON array.</summary>
    public static string SerializeList(IReadOnlyList<RunManifest> manifests)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        return JsonSerializer.Serialize(manifests, ManifestJsonContext.Default.IReadOnlyListRunManifest);
    }

    /// <summary>Parses a manifest, with a clear error for malformed or incomplete JSON.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid manifest.</exception>
    public static RunManifest Deserialize(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var manifest = JsonSerializer.Deserialize(json, ManifestJsonContext.Default.RunManifest)
                ?? throw new InvalidDataException($"{source}: the manifest is JSON null.");
            if (manifest.SchemaVersion > RunManifest.CurrentSchemaVersion)
            {
                throw new InvalidDataException(
                    $"{source}: manifest schema version {manifest.SchemaVersion} is newer than this Repro understands ({RunManifest.CurrentSchemaVersion}).");
            }

            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid run manifest: {e.Message}", e);
        }
    }

    /// <summary>Reads the manifest file at <paramref name="path"/>.</summary>
    public static RunManifest Read(string path) => Deserialize(File.ReadAllText(path), path);

    /// <summary>
    /// Writes the manifest to <paramref name="path"/> atomically: a reader sees the old or the new
    /// manifest, never half of one.
    /// </summary>
    public static void Write(string path, RunManifest manifest) =>
        Storage.AtomicFile.WriteAllText(path, Serialize(manifest) + "\n");

    /// <summary>Serializes a recovery report on its own (the evidence a recovery keeps before it changes the log).</summary>
    internal static string SerializeRecovery(RunRecoveryReport report) =>
        JsonSerializer.Serialize(report, ManifestJsonContext.Default.RunRecoveryReport);

    /// <summary>Parses a recovery report written by <see cref="SerializeRecovery"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid report.</exception>
    internal static RunRecoveryReport DeserializeRecovery(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ManifestJsonContext.Default.RunRecoveryReport)
                ?? throw new InvalidDataException($"{source}: the recovery report is JSON null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid recovery report: {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    // A metric's last (or best) value can be NaN or infinite: written as the strings "NaN", "Infinity", "-Infinity".
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunManifest))]
[JsonSerializable(typeof(IReadOnlyList<RunManifest>))]
[JsonSerializable(typeof(RunRecoveryReport))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
