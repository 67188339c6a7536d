using System.Globalization;
using Google.Protobuf;
using Repro.Events;
using Repro.Export.TensorBoard.Proto;
using Repro.Runs;
using Repro.Storage;
using Repro.Wal;

namespace Repro.Export.TensorBoard;

/// <summary>What an export to TensorBoard wrote.</summary>
/// <param name="Path">The event file.</param>
/// <param name="Scalars">Scalar values written (summaries' min, mean and max included).</param>
/// <param name="Histograms">Histograms written (fixed-bucket histograms and t-digest sketches).</param>
/// <param name="Texts">Text values written (text events and a failure).</param>
/// <param name="HParams">Hyperparameters written to the HParams plugin's session start.</param>
/// <param name="Problems">Damage found in the run's log; those records were left out.</param>
public sealed record TensorBoardExport(string Path, long Scalars, long Histograms, long Texts, int HParams, IReadOnlyList<string> Problems);

/// <summary>
/// Writes a run as a TensorBoard event file (<c>events.out.tfevents.&lt;start&gt;.&lt;run-id&gt;</c>, docs/formats/tensorboard.md):
/// scalars with their steps and wall times, histograms, text, and the HParams plugin's session start and end so
/// TensorBoard's HParams tab shows the configuration beside the final metrics. The same run always gives the
/// same bytes; the file replaces an earlier export atomically and is readable by its owner only.
/// </summary>
public static class TensorBoardExporter
{
    /// <summary>The name TensorBoard's loaders look for (it must contain "tfevents").</summary>
    public static string FileNameOf(RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{manifest.StartedAt.ToUnixTimeSeconds()}.{manifest.RunId}");
    }

    /// <summary>Exports run <paramref name="runId"/> into <paramref name="outputDirectory"/> (created owner-only when missing).</summary>
    /// <exception cref="RunNotFoundException">No such run is stored here.</exception>
    public static TensorBoardExport Export(RunStore store, string runId, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var manifest = store.GetRun(runId);
        ReproHome.CreateOwnerOnlyDirectory(outputDirectory);
        var path = System.IO.Path.Combine(outputDirectory, FileNameOf(manifest));
        var temporary = path + ".tmp";
        var problems = new List<string>();
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReproHome.OwnerOnlyFile;
        }

        EventFileWriter.Counts counts;
        using (var file = new FileStream(temporary, options))
        {
            var records = new TfRecordWriter(file);
            counts = new EventFileWriter(records).Write(manifest, store.ReadRecordsFrom(manifest.RunId, resumeAt: null, (WalCorruption d) => problems.Add($"{System.IO.Path.GetFileName(d.SegmentPath)} at byte {d.Offset.ToString(CultureInfo.InvariantCulture)}: {d.Reason}")));
            records.Flush();
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return new TensorBoardExport(path, counts.Scalars, counts.Histograms, counts.Texts, counts.HParams, problems);
    }
}
