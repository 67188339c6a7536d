using System.Text.Json;

namespace Repro.Events;

/// <summary>
/// The JSON form of the lineage events (artifacts, datasets, tag moves, splits), as written by the JSON-lines sink
/// and <c>repro events --json</c>. Maps are written in ordinal key order, so the same event gives the same bytes.
/// </summary>
internal static class LineageJson
{
    public static void WriteArtifact(Utf8JsonWriter writer, ArtifactReference artifact)
    {
        writer.WriteString("artifact", artifact.Name);
        writer.WriteString("kind", artifact.Kind);
        writer.WriteString("sha256", artifact.Sha256);
        writer.WriteNumber("sizeBytes", artifact.SizeBytes);
        writer.WriteString("mediaType", artifact.MediaType);
        writer.WriteString("location", artifact.Path);
        if (artifact.SourceName.Length > 0)
        {
            writer.WriteString("sourceName", artifact.SourceName);
        }

        if (artifact.FileCount > 0)
        {
            writer.WriteNumber("fileCount", artifact.FileCount);
        }

        WriteStrings(writer, "metadata", artifact.Metadata);
        if (artifact.Provenance is { } provenance)
        {
            writer.WriteStartObject("provenance");
            writer.WriteString("commit", provenance.Commit);
            writer.WriteBoolean("dirty", provenance.Dirty);
            writer.WriteString("patchSha256", provenance.PatchSha256);
            writer.WriteString("configSha256", provenance.ConfigSha256);
            WriteStrings(writer, "datasets", provenance.Datasets);
            writer.WriteStartObject("metrics");
            foreach (var (name, value) in provenance.Metrics.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(name);
                EventJsonWriter.WriteDouble(writer, "value", value);
                writer.WriteNumber("step", provenance.MetricSteps.TryGetValue(name, out var step) ? step : 0);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    public static void WriteDataset(Utf8JsonWriter writer, DatasetFingerprint dataset)
    {
        writer.WriteString("dataset", dataset.Name);
        writer.WriteString("sha256", dataset.Sha256);
        writer.WriteString("algorithm", dataset.Algorithm);
        writer.WriteNumber("files", dataset.FileCount);
        writer.WriteNumber("bytes", dataset.SizeBytes);
        writer.WriteString("source", dataset.Root);
        if (dataset.ListingSha256.Length > 0)
        {
            writer.WriteString("listingSha256", dataset.ListingSha256);
        }

        if (dataset.PipelineVersion.Length > 0)
        {
            writer.WriteString("pipelineVersion", dataset.PipelineVersion);
        }

        writer.WriteStartArray("preprocessing");
        foreach (var step in dataset.Preprocessing)
        {
            writer.WriteStartObject();
            writer.WriteString("name", step.Name);
            writer.WriteString("version", step.Version);
            WriteStrings(writer, "parameters", step.Parameters);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteTagMoved(Utf8JsonWriter writer, ArtifactTagMoved moved)
    {
        writer.WriteString("tag", moved.Tag);
        writer.WriteString("artifact", moved.ArtifactName);
        writer.WriteString("sha256", moved.Sha256);
        writer.WriteString("previousSha256", moved.PreviousSha256);
        writer.WriteString("reason", moved.Reason);
    }

    public static void WriteSplit(Utf8JsonWriter writer, EvaluationSplit split)
    {
        writer.WriteString("split", split.Name);
        writer.WriteNumber("count", split.Count);
        writer.WriteString("sha256", split.Sha256);
        if (split.Dataset.Length > 0)
        {
            writer.WriteString("datasetName", split.Dataset);
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
