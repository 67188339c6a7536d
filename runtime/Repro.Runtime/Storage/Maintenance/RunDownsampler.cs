using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Repro.Events;
using Repro.Runs;
using Repro.Wal;

namespace Repro.Storage.Maintenance;

/// <summary>What downsampling did to one run.</summary>
/// <param name="At">When.</param>
/// <param name="BucketSize">The most raw values of one metric a bucket summarises.</param>
/// <param name="RawScalars">Raw scalars replaced.</param>
/// <param name="Buckets">Buckets (aggregate events) written in their place.</param>
/// <param name="BytesBefore">The log's size before.</param>
/// <param name="BytesAfter">The log's size after.</param>
/// <param name="SummaryFactor">The most logged intervals of a histogram or sketch one merged interval holds (1: none merged).</param>
/// <param name="SummariesMerged">Interval summaries (histograms, sketches) merged.</param>
/// <param name="MergedSummaries">Merged summaries written in their place.</param>
public sealed record DownsampleResult(DateTimeOffset At, int BucketSize, long RawScalars, long Buckets, long BytesBefore, long BytesAfter, int SummaryFactor = 1, long SummariesMerged = 0, long MergedSummaries = 0);

/// <summary>
/// Rewrites an ended run's log with its raw scalars replaced by buckets: for each stretch of consecutive scalars
/// (cut wherever another event comes, and once a metric has <c>bucketSize</c> values), one <see cref="Aggregate"/>
/// event per metric with count, min and max and their steps, mean, standard deviation, last value and step range,
/// marked <c>downsampled</c>. Every other event is copied byte for byte with its sequence number and id; the buckets
/// take the sequence numbers of the stretch they replace, the last one standing for the rest (<c>sequence_span</c>),
/// so the log still reads 1, 2, 3… without a gap.
/// <para>
/// Crash safety: the new log is written and fsynced in <c>wal.rewriting/</c> beside the old one, then swapped in
/// by two renames (<c>wal</c> → <c>wal.raw</c>, <c>wal.rewriting</c> → <c>wal</c>) before the raw log is deleted.
/// Readers read <c>wal.raw</c> in the moment between the renames, and <see cref="Repair"/> (run first by every
/// downsampling and gc) rolls an interrupted rewrite back, or an interrupted swap forward.
/// </para>
/// </summary>
public static class RunDownsampler
{
    /// <summary>The record of a downsampling, kept inside the rewritten <c>wal</c> folder.</summary>
    public const string RecordFileName = "downsampled.json";

    /// <summary>Where a rewrite of a run's log (downsampling, redaction) is written before it is swapped in.</summary>
    internal const string RewritingFolder = "wal.rewriting";
    private const string RawFolder = "wal.raw";

    /// <summary>The record of run folder <paramref name="runDirectory"/>'s downsampling, or null when its log is raw.</summary>
    public static DownsampleResult? Read(string runDirectory)
    {
        var path = Path.Combine(ReproHome.WalDirectory(runDirectory), RecordFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            return new DownsampleResult(
                DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("bucket_size").GetInt32(),
                root.GetProperty("raw_scalars").GetInt64(),
                root.GetProperty("buckets").GetInt64(),
                root.GetProperty("bytes_before").GetInt64(),
                root.GetProperty("bytes_after").GetInt64(),
                root.TryGetProperty("summary_factor", out var factor) ? factor.GetInt32() : 1,
                root.TryGetProperty("summaries_merged", out var merged) ? merged.GetInt64() : 0,
                root.TryGetProperty("merged_summaries", out var written) ? written.GetInt64() : 0);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a downsampling record: {e.Message}", e);
        }
    }

    /// <summary>Rolls back a rewrite a crash interrupted, or finishes an interrupted swap; does nothing otherwise.</summary>
    public static void Repair(string runDirectory)
    {
        var wal = Path.Combine(runDirectory, "wal");
        var rewriting = Path.Combine(runDirectory, RewritingFolder);
        var raw = Path.Combine(runDirectory, RawFolder);
        if (Directory.Exists(rewriting))
        {
            if (Directory.Exists(wal))
            {
                Directory.Delete(rewriting, recursive: true); // the old log is still in place: roll back
            }
            else if (Directory.Exists(raw))
            {
                Directory.Move(rewriting, wal); // complete and fsynced before the old log was moved aside: roll forward
            }

            DirectorySync.Flush(runDirectory);
        }

        if (Directory.Exists(raw) && Directory.Exists(wal))
        {
            Directory.Delete(raw, recursive: true);
            DirectorySync.Flush(runDirectory);
        }
    }

    /// <summary>
    /// Downsamples the ended run in <paramref name="runDirectory"/>. Returns null when its log holds no raw scalars
    /// (already downsampled, or none logged).
    /// </summary>
    /// <exception cref="IOException">The run is still being written.</exception>
    /// <exception cref="InvalidDataException">Its log is damaged (the message says where): a damaged log is never rewritten.</exception>
    /// <param name="runDirectory">The run's folder.</param>
    /// <param name="bucketSize">The most raw values of one metric a bucket summarises (at least 2).</param>
    /// <param name="now">When, for the record.</param>
    /// <param name="summaryFactor">The most logged intervals of a histogram or sketch one merged interval holds; 1 leaves them as logged.</param>
    public static DownsampleResult? Downsample(string runDirectory, int bucketSize, DateTimeOffset now, int summaryFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(summaryFactor, 1);
        Repair(runDirectory);
        using var writerLock = RunLock.TryAcquire(runDirectory) ?? throw new IOException($"The run in {runDirectory} is still being written; it is downsampled once it has ended.");
        var manifest = RunManifestJson.Read(ReproHome.ManifestPath(runDirectory));
        if (manifest.Status == RunStatus.Running)
        {
            throw new IOException($"The run in {runDirectory} has not been recovered yet; read it once (repro runs show) and gc again.");
        }

        var wal = Path.Combine(runDirectory, "wal");
        var stretch = new DownsampleStretch(bucketSize, summaryFactor);
        if (!Validate(wal, manifest.LastSequence, stretch.Merges))
        {
            return null;
        }

        var rewriting = Path.Combine(runDirectory, RewritingFolder);
        ReproHome.CreateOwnerOnlyDirectory(rewriting);
        Rewrite(wal, rewriting, stretch);
        var result = new DownsampleResult(now, bucketSize, stretch.RawScalars, stretch.Buckets, FolderSize.Of(wal), FolderSize.Of(rewriting), summaryFactor, stretch.SummariesMerged, stretch.MergedSummaries);
        AtomicFile.WriteAllText(Path.Combine(rewriting, RecordFileName), Serialize(result));
        DirectorySync.Flush(rewriting);

        SwapIn(runDirectory);
        return result;
    }

    /// <summary>
    /// Swaps the complete, fsynced rewrite in <c>wal.rewriting</c> in for the run's log: <c>wal</c> → <c>wal.raw</c>,
    /// <c>wal.rewriting</c> → <c>wal</c>, then the old log is deleted. <see cref="Repair"/> finishes it after a crash.
    /// </summary>
    internal static void SwapIn(string runDirectory)
    {
        var raw = Path.Combine(runDirectory, RawFolder);
        Directory.Move(Path.Combine(runDirectory, "wal"), raw);
        Directory.Move(Path.Combine(runDirectory, RewritingFolder), Path.Combine(runDirectory, "wal"));
        DirectorySync.Flush(runDirectory);
        Directory.Delete(raw, recursive: true);
        DirectorySync.Flush(runDirectory);
    }

    /// <summary>Reads the whole log; true when it holds raw scalars, or summaries <paramref name="merges"/> takes. Any damage stops the rewrite.</summary>
    internal static bool Validate(string wal, ulong lastSequence, Func<Event, bool>? merges = null)
    {
        var problems = new List<WalCorruption>();
        var scalars = false;
        foreach (var record in new WalRecordSequence(wal, problems.Add, lastSequence, null))
        {
            scalars |= record.Record.BodyCase == Record.BodyOneofCase.Scalars
                || (merges is not null && record.Record.BodyCase == Record.BodyOneofCase.Event && merges(record.Record.Event));
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"The log in {wal} is damaged ({problems[0]}{(problems.Count > 1 ? $", and {problems.Count - 1} more" : "")}); it is not rewritten. 'repro verify' says more.");
        }

        return scalars;
    }

    private static void Rewrite(string wal, string rewriting, DownsampleStretch stretch)
    {
        var metrics = new Dictionary<uint, Event>();
        LogRewriter.Rewrite(wal, rewriting, (raw, record, output) =>
        {
            if (record.BodyCase == Record.BodyOneofCase.Event)
            {
                if (stretch.Merges(record.Event))
                {
                    stretch.AddSummary(record.Event, output);
                    return;
                }

                stretch.Flush(output); // any other event ends the stretch, and is copied byte for byte
                if (record.Event.ValueCase == Event.ValueOneofCase.MetricDeclared)
                {
                    metrics[record.Event.MetricDeclared.MetricId] = record.Event;
                }

                output.Write(LogRewriter.Frame(raw.Span));
                return;
            }

            foreach (var scalar in WalEventReader.Expand(record.Scalars, metrics, ByteString.Empty, null))
            {
                stretch.AddScalar(scalar, output);
            }
        }, stretch.Flush);
    }

    private static string Serialize(DownsampleResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("at", result.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("bucket_size", result.BucketSize);
            json.WriteNumber("raw_scalars", result.RawScalars);
            json.WriteNumber("buckets", result.Buckets);
            json.WriteNumber("bytes_before", result.BytesBefore);
            json.WriteNumber("bytes_after", result.BytesAfter);
            json.WriteNumber("summary_factor", result.SummaryFactor);
            json.WriteNumber("summaries_merged", result.SummariesMerged);
            json.WriteNumber("merged_summaries", result.MergedSummaries);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
