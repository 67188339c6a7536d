using System.Collections.Concurrent;
using System.Diagnostics;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Wal;

namespace Repro.Pipeline;

/// <summary>
/// The one background thread of a run that turns buffered events into WAL records.
/// </summary>
/// <remarks>
/// Each pass drains the control queue (rare, allocated events) and up to a batch of scalars from
/// the ring, assigns sequence numbers, declares metrics the log has not seen, encodes everything
/// into one buffer and hands it to the operating system in one write. <see cref="Flush"/> and
/// <see cref="FlushDurable"/> wait by position: every event enqueued before the call is written
/// (or fsynced) when they return.
/// </remarks>
internal sealed class EventWriter : IDisposable
{
    private readonly ScalarRing _ring;
    private readonly ConcurrentQueue<(Event Event, long Barrier)> _control = new();
    private readonly EventPipelineOptions _options;
    private readonly RunClock _clock;
    private readonly ByteString _runId;
    private readonly ILogger _logger;
    private readonly SegmentedWal _wal;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly object _progressGate = new(); // Monitor: Flush callers wait on it
    private readonly ScalarEntry[] _batch;
    private readonly Record _record = new();
    private readonly ScalarBatchEncoder _encoder = new();
    private readonly WriterMetrics _metricStates;
    private readonly List<Event> _summaries = [];
    private byte[] _buffer = new byte[256 * 1024];
    private int _length;
    private ulong _sequence;
    private long _controlEnqueued;
    private long _controlWritten;
    private long _ringWritten;
    private long _controlSynced;
    private long _ringSynced;
    private int _waiters;
    private int _durableWaiters;
    private long _lastSyncTicks = Stopwatch.GetTimestamp();
    private long _droppedReported;
    private long _lastDropReportTicks;
    private bool _stopRequested;
    private bool _stopped;
    private Exception? _failure;

    public EventWriter(string walDirectory, Ulid runId, Source source, EventPipelineOptions options, MetricRegistry metrics, RunClock clock, ILogger logger)
    {
        _options = options;
        _clock = clock;
        _logger = logger;
        _ring = new ScalarRing(options.BufferCapacity);
        _metricStates = new WriterMetrics(metrics);
        _batch = new ScalarEntry[options.MaxBatchSize];
        _runId = ByteString.CopyFrom(runId.ToByteArray());
        _wal = new SegmentedWal(walDirectory, options.SegmentSizeBytes, index => FrameHeader(runId, index, source));
        _thread = new Thread(Loop) { IsBackground = true, Name = "Repro event writer " + runId };
        _thread.Start();
    }

    /// <summary>Sequence number of the last event written.</summary>
    public ulong LastSequence => Volatile.Read(ref _sequence);

    /// <summary>Best values of metrics with a goal; read it after <see cref="Dispose"/>.</summary>
    public IReadOnlyDictionary<string, Runs.BestValue> BestValues => _metricStates.Best;

    /// <summary>Scalars lost to the buffer-full policy so far.</summary>
    public long Dropped => _ring.Dropped;

    /// <summary>Hot path: hands one scalar to the writer. No lock, no allocation.</summary>
    public void EnqueueScalar(in ScalarEntry entry) => _ring.Enqueue(entry, _options.FullPolicy, in _stopped);

    /// <summary>
    /// Queues a rare event (lifecycle, text, …). The writer fills in id, run and sequence, and writes
    /// it after every scalar enqueued before this call, so a thread's events keep their order.
    /// </summary>
    public void EnqueueEvent(Event evt)
    {
        _control.Enqueue((evt, _ring.EnqueuePosition));
        Interlocked.Increment(ref _controlEnqueued);
    }

    /// <summary>Returns when every event enqueued before the call is in the operating system.</summary>
    public void Flush() => WaitFor(durable: false);

    /// <summary>Returns when every event enqueued before the call is on stable storage.</summary>
    public void FlushDurable() => WaitFor(durable: true);

    /// <summary>Writes everything still buffered, fsyncs, and stops the thread.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _stopRequested, true);
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
        if (_failure is not null)
        {
            throw new IOException($"The run's event writer failed: {_failure.Message}", _failure);
        }
    }

    private void WaitFor(bool durable)
    {
        var ringTarget = _ring.EnqueuePosition;
        var controlTarget = Volatile.Read(ref _controlEnqueued);
        Interlocked.Increment(ref _waiters);
        if (durable)
        {
            Interlocked.Increment(ref _durableWaiters);
        }

        try
        {
            _wake.Set();
            lock (_progressGate)
            {
                while (true)
                {
                    if (_failure is { } failure)
                    {
                        throw new IOException($"The run's event writer failed: {failure.Message}", failure);
                    }

                    var ringDone = Volatile.Read(ref durable ? ref _ringSynced : ref _ringWritten);
                    var controlDone = Volatile.Read(ref durable ? ref _controlSynced : ref _controlWritten);
                    if (ringDone >= ringTarget && controlDone >= controlTarget)
                    {
                        return;
                    }

                    if (Volatile.Read(ref _stopped))
                    {
                        throw new InvalidOperationException("The run has ended; its event writer is stopped.");
                    }

                    Monitor.Wait(_progressGate, TimeSpan.FromMilliseconds(50));
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
            if (durable)
            {
                Interlocked.Decrement(ref _durableWaiters);
            }
        }
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
                PublishProgress();
                _wake.Wait(_options.IdleWait);
                _wake.Reset();
                _clock.Refresh();
            }

            WriteOnePass(final: true);
            _wal.Dispose();
            _ringSynced = _ringWritten;
            _controlSynced = _controlWritten;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _failure = e;
            Diagnostics.ReproLog.WriterFailed(_logger, e);
            try
            {
                _wal.Dispose();
            }
            catch (IOException)
            {
                // The disk that failed the write may fail the close too; the first error is the one reported.
            }
        }
        finally
        {
            Volatile.Write(ref _stopped, true);
            PublishProgress(always: true);
        }
    }

    /// <summary>One drain-encode-write pass; false when there was nothing to write.</summary>
    private bool WriteOnePass(bool final)
    {
        _clock.Refresh();
        _length = 0;
        var controlCount = 0;
        var scalarCount = 0;
        while (scalarCount < _batch.Length && controlCount < 1024)
        {
            // Control events whose scalars (those enqueued before them) are all out of the ring go first.
            var consumed = _ring.DequeuePosition;
            if (_control.TryPeek(out var next) && next.Barrier <= consumed)
            {
                _control.TryDequeue(out _);
                if (next.Event.Lifecycle?.Kind is Lifecycle.Types.Kind.Finished or Lifecycle.Types.Kind.Failed)
                {
                    AppendOpenSummaries(); // the run's last intervals, before it says it has ended
                }

                AppendEvent(next.Event);
                controlCount++;
                continue;
            }

            // Then scalars, up to the next control event's barrier.
            var limit = _batch.Length - scalarCount;
            if (_control.TryPeek(out next))
            {
                limit = (int)Math.Min(limit, next.Barrier - consumed);
            }

            var count = _ring.TryDequeueMany(_batch.AsSpan(0, limit));
            if (count == 0)
            {
                break; // the ring is empty, or the next entry is claimed but not yet published
            }

            AppendScalars(count);
            scalarCount += count;
        }

        if (final)
        {
            AppendOpenSummaries();
        }

        ReportDropsIfChanged(final);
        if (_length == 0)
        {
            _ringWritten = _ring.DequeuePosition; // drops by producers count as handled
            return false;
        }

        _wal.Write(_buffer.AsSpan(0, _length));
        Volatile.Write(ref _controlWritten, _controlWritten + controlCount);
        Volatile.Write(ref _ringWritten, _ring.DequeuePosition);
        SyncIfDue();
        PublishProgress();
        return true;
    }

    private void SyncIfDue()
    {
        var now = Stopwatch.GetTimestamp();
        var unsynced = _wal.UnsyncedBytes > 0;
        var due = _wal.UnsyncedBytes >= _options.FsyncBytes
            || (unsynced && _options.FsyncInterval != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(_lastSyncTicks, now) >= _options.FsyncInterval)
            || (Volatile.Read(ref _durableWaiters) > 0 && (_ringSynced < _ringWritten || _controlSynced < _controlWritten || unsynced));
        if (!due)
        {
            return;
        }

        _wal.Sync();
        _lastSyncTicks = now;
        Volatile.Write(ref _ringSynced, _ringWritten);
        Volatile.Write(ref _controlSynced, _controlWritten);
    }

    private void PublishProgress(bool always = false)
    {
        if (always || Volatile.Read(ref _waiters) > 0)
        {
            lock (_progressGate)
            {
                Monitor.PulseAll(_progressGate);
            }
        }
    }

    private void ReportDropsIfChanged(bool final)
    {
        var dropped = _ring.Dropped;
        if (dropped == _droppedReported)
        {
            return;
        }

        // Under sustained overload, one report a second is enough; the final total is always written.
        var now = Stopwatch.GetTimestamp();
        if (!final && _droppedReported != 0 && Stopwatch.GetElapsedTime(_lastDropReportTicks, now) < TimeSpan.FromSeconds(1))
        {
            return;
        }

        Diagnostics.ReproLog.EventsDropped(_logger, dropped, _options.FullPolicy);
        AppendEvent(new Event
        {
            Name = "events_dropped",
            TimestampUnixNanos = _clock.UnixNanosNow(),
            Dropped = new EventsDropped { Total = (ulong)dropped, Policy = _options.FullPolicy.ToString() },
        });
        _droppedReported = dropped;
        _lastDropReportTicks = now;
    }

    private void AppendEvent(Event evt)
    {
        evt.EventId = NewEventId();
        evt.RunId = _runId;
        evt.Sequence = ++_sequence;
        _record.Event = evt;
        AppendRecord();
    }

    private void AppendScalars(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_metricStates.DeclareIfNew(_batch[i].MetricId) is { } declaration)
            {
                AppendTimestamped(declaration);
            }
        }

        count = _metricStates.Process(_batch.AsSpan(0, count), _summaries);
        if (count > 0)
        {
            EncodeScalars(count);
        }

        foreach (var summary in _summaries)
        {
            AppendTimestamped(summary);
        }

        _summaries.Clear();
    }

    private void AppendOpenSummaries()
    {
        foreach (var summary in _metricStates.TakeOpenSummaries())
        {
            AppendTimestamped(summary);
        }
    }

    private void AppendTimestamped(Event evt)
    {
        evt.TimestampUnixNanos = _clock.UnixNanosNow();
        AppendEvent(evt);
    }

    private void EncodeScalars(int count)
    {
        var firstEventId = Ulid.NewUlid();
        Span<byte> idBytes = stackalloc byte[16];
        firstEventId.TryWriteBytes(idBytes);
        var maxFrame = WalFraming.FrameSize(ScalarBatchEncoder.MaxEncodedSize(count));
        EnsureCapacity(maxFrame);
        var target = _buffer.AsSpan(_length);
        var size = _encoder.Encode(target[WalFormat.HeaderSize..], _batch.AsSpan(0, count), idBytes, _sequence + 1, _clock);
        WalFraming.FrameInPlace(target, size);
        _length += WalFraming.FrameSize(size);
        _sequence += (ulong)count;
    }

    private void AppendRecord()
    {
        var size = _record.CalculateSize();
        var frame = WalFraming.FrameSize(size);
        EnsureCapacity(frame);
        var target = _buffer.AsSpan(_length, frame);
        _record.WriteTo(target.Slice(WalFormat.HeaderSize, size));
        WalFraming.FrameInPlace(target, size);
        _length += frame;
    }

    private void EnsureCapacity(int bytes)
    {
        if (_buffer.Length - _length < bytes)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        }
    }

    private static ByteString NewEventId() => UnsafeByteOperations.UnsafeWrap(Ulid.NewUlid().ToByteArray());

    private static byte[] FrameHeader(Ulid runId, int index, Source source)
    {
        var record = new Record
        {
            Header = new SegmentHeader
            {
                SchemaVersion = SchemaVersion._1,
                RunId = ByteString.CopyFrom(runId.ToByteArray()),
                SegmentIndex = (uint)index,
                Source = source,
            },
        };
        var size = record.CalculateSize();
        var frame = new byte[WalFraming.FrameSize(size)];
        record.WriteTo(frame.AsSpan(WalFormat.HeaderSize, size));
        WalFraming.FrameInPlace(frame, size);
        return frame;
    }
}
