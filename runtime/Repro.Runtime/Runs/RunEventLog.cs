using Google.Protobuf;
using Repro.Events;
using Repro.Wal;

namespace Repro.Runs;

/// <summary>
/// Encodes a run's events and appends them to its WAL, assigning sequence numbers.
/// </summary>
/// <remarks>
/// Walking-skeleton version: synchronous and serialised by a lock. The bounded, lock-free producer
/// buffer and the background writer replace this in the pipeline work (issue #3); the on-disk format
/// does not change.
/// </remarks>
internal sealed class RunEventLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly WalWriter _writer;
    private readonly ByteString _runId;
    private byte[] _buffer = new byte[256];
    private ulong _sequence;

    public RunEventLog(string walDirectory, Ulid runId)
    {
        Storage.ReproHome.CreateOwnerOnlyDirectory(walDirectory);
        _writer = new WalWriter(Path.Combine(walDirectory, WalFormat.SegmentFileName(1)));
        _runId = ByteString.CopyFrom(runId.ToByteArray());
    }

    public ulong LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    public void AppendScalar(string name, long step, double value) =>
        Append(name, step, e => e.Scalar = new Scalar { Value = value });

    public void AppendLifecycle(Lifecycle.Types.Kind kind, string message) =>
        Append(EventJsonWriter.LifecycleKindName(kind), 0, e => e.Lifecycle = new Lifecycle { Kind = kind, Message = message });

    public void Flush()
    {
        lock (_gate)
        {
            _writer.Flush();
        }
    }

    public void FlushDurable()
    {
        lock (_gate)
        {
            _writer.FlushDurable();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private void Append(string name, long step, Action<Event> setValue)
    {
        var evt = new Event
        {
            EventId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray()),
            RunId = _runId,
            TimestampUnixNanos = UnixNanosNow(),
            Step = step,
            Name = name,
        };
        setValue(evt);
        lock (_gate)
        {
            evt.Sequence = ++_sequence;
            var size = evt.CalculateSize();
            if (_buffer.Length < size)
            {
                _buffer = new byte[Math.Max(size, _buffer.Length * 2)];
            }

            evt.WriteTo(_buffer.AsSpan(0, size));
            _writer.Append(_buffer.AsSpan(0, size));
        }
    }

    private static long UnixNanosNow() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
