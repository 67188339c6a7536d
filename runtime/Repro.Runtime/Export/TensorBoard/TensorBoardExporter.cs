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

        Counts counts;
        using (var file = new FileStream(temporary, options))
        using (var buffered = new BufferedStream(file, 1 << 20))
        {
            var writer = new EventFileWriter(new TfRecordWriter(buffered));
            counts = writer.Write(manifest, store.ReadEvents(manifest.RunId, (WalCorruption d) => problems.Add($"{System.IO.Path.GetFileName(d.SegmentPath)} at byte {d.Offset.ToString(CultureInfo.InvariantCulture)}: {d.Reason}")));
            buffered.Flush();
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        return new TensorBoardExport(path, counts.Scalars, counts.Histograms, counts.Texts, counts.HParams, problems);
    }

    private sealed record Counts(long Scalars, long Histograms, long Texts, int HParams);

    /// <summary>Turns Repro events into TensorBoard events, one per step and kind of summary.</summary>
    private sealed class EventFileWriter(TfRecordWriter records)
    {
        private const string FileVersion = "brain.Event:2";
        private readonly Dictionary<string, bool> _textTagsSeen = new(StringComparer.Ordinal);
        private TbSummary? _pending;
        private long _pendingStep;
        private double _pendingTime;
        private long _scalars;
        private long _histograms;
        private long _texts;

        public Counts Write(RunManifest manifest, IEnumerable<Event> events)
        {
            var start = Seconds(manifest.StartedAt);
            Emit(new TbEvent { WallTime = start, FileVersion = FileVersion, SourceMetadata = new TbSourceMetadata { Writer = "repro" } });
            var hparams = HParams.SessionStart(manifest, start);
            Emit(new TbEvent { WallTime = start, Step = 0, Summary = HParams.Summary(HParams.SessionStartTag, hparams) });
            foreach (var evt in events)
            {
                if (evt.IntervalOpen)
                {
                    continue; // a snapshot of an interval a later summary supersedes
                }

                var time = evt.TimestampUnixNanos / 1e9;
                switch (evt.ValueCase)
                {
                    case Event.ValueOneofCase.Scalar:
                        Add(evt.Step, time, Scalar(evt.Name, evt.Scalar.Value));
                        break;
                    case Event.ValueOneofCase.Aggregate:
                        var aggregate = evt.Aggregate;
                        Add(aggregate.LastStep, time, Scalar(evt.Name + "/min", aggregate.Min));
                        Add(aggregate.LastStep, time, Scalar(evt.Name + "/mean", aggregate.Mean));
                        Add(aggregate.LastStep, time, Scalar(evt.Name + "/max", aggregate.Max));
                        break;
                    case Event.ValueOneofCase.Histogram:
                        Add(evt.Histogram.LastStep, time, new TbSummary.Types.Value { Tag = evt.Name, Histo = Histograms.From(evt.Histogram) });
                        _histograms++;
                        break;
                    case Event.ValueOneofCase.Sketch when evt.Sketch.Means.Count > 0:
                        Add(evt.Sketch.LastStep, time, new TbSummary.Types.Value { Tag = evt.Name, Histo = Histograms.From(evt.Sketch) });
                        _histograms++;
                        break;
                    case Event.ValueOneofCase.Text:
                        Add(evt.Step, time, Text("log", $"**{evt.Text.Level.ToString().ToLowerInvariant()}** {evt.Text.Message}"));
                        break;
                    case Event.ValueOneofCase.Lifecycle when evt.Lifecycle.Kind == Lifecycle.Types.Kind.Failed && evt.Lifecycle.Message.Length > 0:
                        Add(evt.Step, time, Text("failure", evt.Lifecycle.Message));
                        break;
                }
            }

            Flush();
            var end = manifest.EndedAt is { } ended ? Seconds(ended) : start;
            Emit(new TbEvent { WallTime = end, Step = 0, Summary = HParams.Summary(HParams.SessionEndTag, HParams.SessionEnd(manifest, end)) });
            return new Counts(_scalars, _histograms, _texts, hparams.SessionStartInfo.Hparams.Count);
        }

        private TbSummary.Types.Value Scalar(string tag, double value)
        {
            _scalars++;
            return new TbSummary.Types.Value { Tag = tag, SimpleValue = (float)value };
        }

        private TbSummary.Types.Value Text(string tag, string text)
        {
            _texts++;
            var value = new TbSummary.Types.Value
            {
                Tag = tag,
                Tensor = new TbTensor { Dtype = 7, TensorShape = new TbTensorShape(), StringVal = { ByteString.CopyFromUtf8(text) } },
            };
            // The plugin is named on the tag's first value, as TensorBoard's own writers do.
            if (_textTagsSeen.TryAdd(tag, true))
            {
                value.Metadata = new TbSummaryMetadata { PluginData = new TbSummaryMetadata.Types.PluginData { PluginName = "text" } };
            }

            return value;
        }

        /// <summary>Values of one step (consecutive in the log) share one event, as TensorBoard's writers do.</summary>
        private void Add(long step, double time, TbSummary.Types.Value value)
        {
            if (_pending is not null && _pendingStep != step)
            {
                Flush();
            }

            if (_pending is null)
            {
                (_pending, _pendingStep, _pendingTime) = (new TbSummary(), step, time);
            }

            _pending.Value.Add(value);
        }

        private void Flush()
        {
            if (_pending is not null)
            {
                Emit(new TbEvent { WallTime = _pendingTime, Step = _pendingStep, Summary = _pending });
                _pending = null;
            }
        }

        private void Emit(TbEvent evt) => records.Write(evt.ToByteArray());

        private static double Seconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
    }
}
