using System.Runtime.CompilerServices;
using Google.Protobuf;
using Repro.Events;
using Repro.Export.TensorBoard.Proto;
using Repro.Runs;

namespace Repro.Export.TensorBoard;

/// <summary>
/// Turns a run's log into TensorBoard events: the file version and HParams session first, then one event per step
/// and run of consecutive values at that step (as TensorBoard's own writers group them), then the session's end.
/// Scalar batches are read as columns and their values encoded straight into the event (<see cref="SummaryEventEncoder"/>):
/// no event object per scalar.
/// </summary>
internal sealed class EventFileWriter(TfRecordWriter records)
{
    private const string FileVersion = "brain.Event:2";

    // Scalars per part read ahead: small enough that reading and writing overlap from the start, large enough that
    // handing a part over costs nothing a scalar.
    private const int PartSize = 1 << 16;
    private readonly Dictionary<string, bool> _textTagsSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _tags = new(StringComparer.Ordinal);
    private readonly SummaryEventEncoder _pending = new();
    private MetricColumn[] _metrics = [];
    private long _pendingStep;
    private double _pendingTime;
    private long _scalars;
    private long _histograms;
    private long _texts;
    private int _batch;

    /// <summary>What an export wrote, by kind.</summary>
    public sealed record Counts(long Scalars, long Histograms, long Texts, int HParams);

    public Counts Write(RunManifest manifest, WalRecordSequence log)
    {
        var start = Seconds(manifest.StartedAt);
        Emit(new TbEvent { WallTime = start, FileVersion = FileVersion, SourceMetadata = new TbSourceMetadata { Writer = "repro" } });
        var hparams = HParams.SessionStart(manifest, start);
        Emit(new TbEvent { WallTime = start, Step = 0, Summary = HParams.Summary(HParams.SessionStartTag, hparams) });
        // The log is read ahead on a second thread while the part before is encoded and written.
        foreach (var part in LogReadAhead.Parts(log, after: 0, PartSize))
        {
            foreach (var (record, _, _) in part.Records)
            {
                if (record.BodyCase == Record.BodyOneofCase.Scalars)
                {
                    AddScalars(record.Scalars, part.Metrics);
                }
                else
                {
                    Add(record.Event);
                }
            }
        }

        Flush();
        var end = manifest.EndedAt is { } ended ? Seconds(ended) : start;
        Emit(new TbEvent { WallTime = end, Step = 0, Summary = HParams.Summary(HParams.SessionEndTag, HParams.SessionEnd(manifest, end)) });
        return new Counts(_scalars, _histograms, _texts, hparams.SessionStartInfo.Hparams.Count);
    }

    /// <summary>
    /// The scalars of a batch, as one scalar event each would give them: step and time restored from their deltas,
    /// integer metrics' 64 bits read as the integer.
    /// </summary>
    // Hot on every export: compiled fully optimised at once rather than after tiering.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddScalars(ScalarBatch batch, IReadOnlyDictionary<uint, Event> declarations)
    {
        _batch++;
        long step = 0;
        var time = batch.FirstTimestampUnixNanos;
        var ids = batch.MetricIds;
        var values = batch.Values;
        var steps = batch.StepDeltas;
        var times = batch.TimestampDeltasNanos;
        for (var i = 0; i < values.Count; i++)
        {
            step += steps[i];
            time += times[i];
            ref readonly var metric = ref MetricOf(ids[i], declarations);
            var raw = values[i];
            var value = metric.IsInteger ? (float)BitConverter.DoubleToInt64Bits(raw) : (float)raw;
            StartGroup(step, time);
            _pending.AddScalar(metric.Tag, value);
            _scalars++;
        }
    }

    /// <summary>
    /// A metric's encoded tag and type, looked up in the declarations once per batch: a later segment may declare an
    /// id again, and the reader validated every id of the batch before returning it.
    /// </summary>
    private ref readonly MetricColumn MetricOf(uint id, IReadOnlyDictionary<uint, Event> declarations)
    {
        if (id >= (uint)_metrics.Length)
        {
            Array.Resize(ref _metrics, (int)Math.Max(id + 1, (uint)_metrics.Length * 2));
        }

        ref var metric = ref _metrics[id];
        if (metric.Batch != _batch)
        {
            var declaration = declarations[id];
            if (!ReferenceEquals(metric.Declaration, declaration))
            {
                metric.Declaration = declaration;
                metric.Tag = TagOf(declaration.Name);
                metric.IsInteger = declaration.MetricDeclared.ValueType is 2 or 3;
            }

            metric.Batch = _batch;
        }

        return ref metric;
    }

    private void Add(Event evt)
    {
        if (evt.IntervalOpen)
        {
            return; // a snapshot of an interval a later summary supersedes
        }

        switch (evt.ValueCase)
        {
            case Event.ValueOneofCase.Scalar:
                AddScalar(evt.Step, evt.TimestampUnixNanos, evt.Name, evt.Scalar.Value);
                break;
            case Event.ValueOneofCase.Aggregate:
                var aggregate = evt.Aggregate;
                AddScalar(aggregate.LastStep, evt.TimestampUnixNanos, evt.Name + "/min", aggregate.Min);
                AddScalar(aggregate.LastStep, evt.TimestampUnixNanos, evt.Name + "/mean", aggregate.Mean);
                AddScalar(aggregate.LastStep, evt.TimestampUnixNanos, evt.Name + "/max", aggregate.Max);
                break;
            case Event.ValueOneofCase.Histogram:
                AddValue(evt.Histogram.LastStep, evt.TimestampUnixNanos, new TbSummary.Types.Value { Tag = evt.Name, Histo = Histograms.From(evt.Histogram) });
                _histograms++;
                break;
            case Event.ValueOneofCase.Sketch when evt.Sketch.Means.Count > 0:
                AddValue(evt.Sketch.LastStep, evt.TimestampUnixNanos, new TbSummary.Types.Value { Tag = evt.Name, Histo = Histograms.From(evt.Sketch) });
                _histograms++;
                break;
            case Event.ValueOneofCase.Text:
                AddValue(evt.Step, evt.TimestampUnixNanos, Text("log", $"**{evt.Text.Level.ToString().ToLowerInvariant()}** {evt.Text.Message}"));
                break;
            case Event.ValueOneofCase.Lifecycle when evt.Lifecycle.Kind == Lifecycle.Types.Kind.Failed && evt.Lifecycle.Message.Length > 0:
                AddValue(evt.Step, evt.TimestampUnixNanos, Text("failure", evt.Lifecycle.Message));
                break;
        }
    }

    private void AddScalar(long step, long timestampUnixNanos, string tag, double value)
    {
        StartGroup(step, timestampUnixNanos);
        _pending.AddScalar(TagOf(tag), (float)value);
        _scalars++;
    }

    private void AddValue(long step, long timestampUnixNanos, TbSummary.Types.Value value)
    {
        StartGroup(step, timestampUnixNanos);
        _pending.Add(value);
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

    /// <summary>Values of one step (consecutive in the log) share one event, timed by the first of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StartGroup(long step, long timestampUnixNanos)
    {
        if (_pending.HasValues && _pendingStep != step)
        {
            Flush();
        }

        if (!_pending.HasValues)
        {
            (_pendingStep, _pendingTime) = (step, timestampUnixNanos / 1e9);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush()
    {
        if (_pending.HasValues)
        {
            records.Write(_pending.Finish(_pendingTime, _pendingStep));
        }
    }

    private byte[] TagOf(string name)
    {
        if (!_tags.TryGetValue(name, out var encoded))
        {
            encoded = SummaryEventEncoder.EncodeTag(name);
            _tags.Add(name, encoded);
        }

        return encoded;
    }

    private void Emit(TbEvent evt) => records.Write(evt.ToByteArray());

    private static double Seconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>What the writer keeps per metric id of the log.</summary>
    private struct MetricColumn
    {
        public Event? Declaration;
        public byte[] Tag;
        public bool IsInteger;
        public int Batch;
    }
}
