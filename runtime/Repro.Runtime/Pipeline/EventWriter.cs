using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Wal;

namespace Repro.Pipeline;

/// <summary>
/// The one background thread of a run that turns buffered events into WAL records.
/// </summary>
/// <remarks>
/// Each pass drains the control queue (rare, allocated events) and up to a batch of scalars from
/// the lanes, assigns sequence numbers, declares metrics the log has not seen, encodes everything
/// into one buffer and hands it to the operating system in one write. <see cref="Flush"/> and
/// <see cref="FlushDurable"/> wait by position (see <see cref="WriterProgress"/>).
/// Any exception on this thread stops the writer and is reported once through the fault callback;
/// it never escapes the thread, so it can neither crash nor hang the process.
/// </remarks>
internal sealed partial class EventWriter : IDisposable
{
    private const int MaxControlEventsPerPass = 1024;

    private readonly ScalarLanes _lanes;
    private readonly ConcurrentQueue<ControlEntry> _control = new();
    private readonly EventPipelineOptions _options;
    private readonly BufferFullPolicy _fullPolicy;
    private readonly RunClock _clock;
    private readonly ILogger _logger;
    private readonly Action<Exception>? _onFault;
    private readonly SegmentedWal _wal;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly WriterProgress _progress;
    private readonly ScalarEntry[] _batch;
    private long[] _tailsNow = [];
    private readonly RecordBuffer _records;
    private readonly WriterMetrics _metricStates;
    private readonly List<Event> _summaries = [];
    private readonly MetricRegistry _metrics;
    private readonly Func<Alerts.AlertEvaluator>? _startAlerts;
    private readonly Action<Event>? _onAlert;
    private Alerts.AlertEvaluator? _alerts;
    private readonly List<Event> _fired = [];
    private bool _endWritten;
    private long _scalarsWaitingSince;
    private long _lastSyncTicks = Stopwatch.GetTimestamp();
    private long _droppedReported;
    private long _lastDropReportTicks;
    private bool _stopRequested;
    private bool _stopped;
    private volatile Exception? _failure;

    // alerts: the run's alert rules, evaluated on every pass (null when it has none); startAlerts: called on this
    // thread to make one when the first metric declaring rules of its own arrives (so a run without rules never pays
    // for them); onAlert: called on this thread with each alert event once it has its sequence number, never blocking.
    public EventWriter(string walDirectory, Ulid runId, Source source, EventPipelineOptions options, MetricRegistry metrics, RunClock clock, ILogger logger, Action<Exception>? onFault = null,
        Alerts.AlertEvaluator? alerts = null, Func<Alerts.AlertEvaluator>? startAlerts = null, Action<Event>? onAlert = null)
    {
        _alerts = alerts;
        _startAlerts = startAlerts;
        _onAlert = onAlert;
        _metrics = metrics;
        _options = options;
        _fullPolicy = options.FullPolicy;
        _clock = clock;
        _logger = logger;
        _onFault = onFault;
        // Woken by a logging thread whose lane is full, rather than by the end of its idle wait: a fast producer fills a
        // lane within one idle wait and would spend the rest of it waiting (Block) or dropping scalars.
        _lanes = new ScalarLanes(options.BufferCapacity, () => _wake.Set());
        _progress = new WriterProgress(_lanes);
        _metricStates = new WriterMetrics(metrics);
        _batch = new ScalarEntry[options.MaxBatchSize];
        _records = new RecordBuffer(runId, clock, options.PackScalars);
        _wal = new SegmentedWal(walDirectory, options.SegmentSizeBytes, index => RecordBuffer.SegmentHeader(runId, index, source));
        _thread = new Thread(Loop) { IsBackground = true, Name = "Repro event writer " + runId };
        _thread.Start();
    }

    /// <summary>Sequence number of the last event written.</summary>
    public ulong LastSequence => _progress.LastSequence;

    /// <summary>Best values of metrics with a goal; read it after <see cref="Dispose"/>.</summary>
    public IReadOnlyDictionary<string, Runs.BestValue> BestValues => _metricStates.Best;

    /// <summary>Scalars lost to the buffer-full policy so far.</summary>
    public long Dropped => _lanes.Dropped;

    /// <summary>What stopped the writer, or null while it works (and after a normal stop).</summary>
    public Exception? Failure => _failure;

    /// <summary>Whether the writer has stopped, normally or by a fault.</summary>
    public bool IsStopped => Volatile.Read(ref _stopped);

    /// <summary>Hot path: hands one scalar to the writer. No lock, no allocation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void EnqueueScalar(long timestamp, long step, double value, int metricId) =>
        _lanes.Enqueue(timestamp, step, value, metricId, _fullPolicy, in _stopped);

    /// <summary>
    /// Queues a rare event (lifecycle, text, …) stamped now. The writer fills in id, run and sequence,
    /// and writes it after every scalar enqueued before this call, so a thread's events keep their order.
    /// </summary>
    public void EnqueueEvent(Event evt)
    {
        _control.Enqueue(new ControlEntry(evt, _lanes.Tails(), Stopwatch.GetTimestamp()));
        _progress.ControlEnqueued();
    }

    /// <summary>Waits until every event enqueued before the call is in the operating system; false when the writer failed first.</summary>
    public bool Flush() => WaitFor(durable: false);

    /// <summary>Waits until every event enqueued before the call is on stable storage; false when the writer failed first.</summary>
    public bool FlushDurable() => WaitFor(durable: true);

    /// <summary>
    /// Writes everything still buffered, fsyncs, and stops the thread. Never throws for a writer
    /// fault (see <see cref="Failure"/>), and never waits for itself when called on the writer thread.
    /// </summary>
    public void Dispose()
    {
        Volatile.Write(ref _stopRequested, true);
        _wake.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
            _wake.Dispose();
        }
    }

    private bool WaitFor(bool durable)
    {
        var target = new WriterProgress.Target(_lanes.Tails(), _progress.ControlEnqueuedCount);
        return _progress.Wait(target, durable, _wake, () => _failure is null, () => Volatile.Read(ref _stopped));
    }

    private void Loop()
    {
        try
        {
            while (true)
            {
                var stopping = Volatile.Read(ref _stopRequested);
                if (WriteOnePass(final: false))
                {
                    continue;
                }

                if (stopping)
                {
                    break;
                }

                SyncIfDue();
                _progress.Publish();
                _wake.Wait(_options.IdleWait);
                _wake.Reset();
                _clock.Refresh();
            }

            WriteOnePass(final: true);
            _wal.Dispose();
            _progress.AllSynced();
        }
#pragma warning disable CA1031 // Whatever goes wrong here must not escape this thread: it would take the training process down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _failure = e;
            Diagnostics.ReproLog.WriterFailed(_logger, e);
            _wal.DisposeQuietly();
        }
        finally
        {
            Volatile.Write(ref _stopped, true);
            _progress.Publish(always: true);
        }

        if (_failure is { } failure && _onFault is { } onFault)
        {
            try
            {
                onFault(failure);
            }
#pragma warning disable CA1031 // The callback marks the run failed; if even that fails, the thread still ends quietly.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Diagnostics.ReproLog.WriterFailed(_logger, e);
            }
        }
    }

    /// <summary>One drain-encode-write pass; false when there was nothing to write.</summary>
    private bool WriteOnePass(bool final)
    {
        _clock.Refresh();
        if (!final && HoldScalars())
        {
            return false;
        }

        _records.Clear();
        var controlCount = 0;
        var scalarCount = 0;
        while (scalarCount < _batch.Length && controlCount < MaxControlEventsPerPass)
        {
            // Control events whose scalars (those enqueued before them) are all out of the lanes go first.
            if (_control.TryPeek(out var next) && _lanes.HeadsReached(next.Barrier))
            {
                _control.TryDequeue(out _);
                if (next.Event.Lifecycle?.Kind is Lifecycle.Types.Kind.Finished or Lifecycle.Types.Kind.Failed)
                {
                    AppendOpenSummaries(); // the run's last intervals, before it says it has ended
                    _alerts?.OnLifecycle(next.Event, _fired);
                    AppendAlerts(next.Ticks); // the failure's alert too: the end event stays the log's last word
                    _endWritten = true;
                }

                _records.AppendEvent(next.Event, next.Ticks);
                controlCount++;
                continue;
            }

            // Then scalars, never past the next control event's barrier, nor past the lanes' tails read before the
            // control queue is: a scalar logged after a control event is published after that event was queued, so
            // once its tail is seen the peek sees the event too and the barrier holds the scalar back. Peeking first
            // let such a scalar through ahead of its event when both arrived between the peek and the drain.
            _tailsNow = _lanes.Tails(_tailsNow);
            var barrier = _control.TryPeek(out next) ? next.Barrier : _tailsNow;
            var count = _lanes.DequeueMany(_batch.AsSpan(0, _batch.Length - scalarCount), barrier);
            if (count == 0)
            {
                break; // the lanes are empty (up to the barrier)
            }

            AppendScalars(count);
            scalarCount += count;
        }

        if (final)
        {
            AppendOpenSummaries();
        }

        // A flush waiting: what the open intervals hold goes into the log with the values it acknowledges.
        _lanes.MarkDrained();
        var snapshot = _progress.HasWaiters && _lanes.SnapshotBehind();
        if (snapshot)
        {
            foreach (var open in _metricStates.SnapshotOpenIntervals())
            {
                _records.AppendEvent(open, Stopwatch.GetTimestamp());
            }
        }

        if (_alerts is not null && !_endWritten)
        {
            var now = Stopwatch.GetTimestamp();
            _alerts.Tick(now, _fired); // stalls are noticed on idle passes too
            AppendAlerts(now);
        }

        ReportDropsIfChanged(final);
        if (_records.Length == 0)
        {
            _progress.Written(controlCount, snapshot, _records.Sequence); // drops by producers count as handled
            // Values only summarised (RecordValues = false) write nothing until their interval closes: a pass that
            // consumed some still made progress, and the lanes may hold more. Reporting it idle would stop a finishing
            // writer with values (and the end event behind them) still in the lanes.
            return scalarCount > 0 || controlCount > 0;
        }

        _wal.Write(_records.Bytes);
        _progress.Written(controlCount, snapshot, _records.Sequence);
        SyncIfDue();
        _progress.Publish();
        return true;
    }

    /// <summary>
    /// Whether this pass should leave the lanes' scalars for a later one, to write them in fewer, larger records
    /// (see <see cref="EventPipelineOptions.MaxWriteDelay"/>): only while nothing but scalars waits, fewer than a
    /// batch's worth, for less than the delay.
    /// </summary>
    private bool HoldScalars()
    {
        var waiting = _lanes.MostWaiting;
        if (waiting <= 0 || !_control.IsEmpty || _progress.HasWaiters || Volatile.Read(ref _stopRequested)
            || waiting >= Math.Min(_batch.Length, _lanes.CapacityPerLane / 2) || _options.MaxWriteDelay <= TimeSpan.Zero)
        {
            _scalarsWaitingSince = 0;
            return false;
        }

        var now = Stopwatch.GetTimestamp();
        if (_scalarsWaitingSince == 0)
        {
            _scalarsWaitingSince = now;
            return true;
        }

        if (Stopwatch.GetElapsedTime(_scalarsWaitingSince, now) < _options.MaxWriteDelay)
        {
            return true;
        }

        _scalarsWaitingSince = 0;
        return false;
    }

    private void SyncIfDue()
    {
        var now = Stopwatch.GetTimestamp();
        var unsynced = _wal.UnsyncedBytes > 0;
        var due = _wal.UnsyncedBytes >= _options.FsyncBytes
            || (unsynced && _options.FsyncInterval != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(_lastSyncTicks, now) >= _options.FsyncInterval)
            || (_progress.HasDurableWaiters && (_progress.HasUnsynced || unsynced));
        if (!due)
        {
            return;
        }

        _wal.Sync();
        _lastSyncTicks = now;
        _progress.Synced();
    }

    private readonly record struct ControlEntry(Event Event, long[] Barrier, long Ticks);
}
