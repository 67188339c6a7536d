namespace Repro.Pipeline;

/// <summary>
/// How far the writer has got, as positions that flush callers wait for: ring entries and control
/// events written (handed to the OS) and synced (fsynced), and the ring position up to which the
/// open intervals of summarised metrics have been snapshotted into the log.
/// </summary>
/// <remarks>
/// The writer thread alone advances the positions; callers of <see cref="Wait"/> block on a monitor
/// that the writer pulses after each pass while anyone waits.
/// </remarks>
internal sealed class WriterProgress
{
    private readonly object _gate = new();
    private long _controlEnqueued;
    private long _ringWritten;
    private long _controlWritten;
    private long _snapshotWritten;
    private long _ringSynced;
    private long _controlSynced;
    private long _snapshotSynced;
    private long _lastSequence;
    private int _waiters;
    private int _durableWaiters;

    /// <summary>What a flush waits for: the ring position and the control events enqueued before it.</summary>
    public readonly record struct Target(long Ring, long Control);

    public long ControlEnqueuedCount => Volatile.Read(ref _controlEnqueued);

    public ulong LastSequence => (ulong)Volatile.Read(ref _lastSequence);

    public bool HasWaiters => Volatile.Read(ref _waiters) > 0;

    public bool HasDurableWaiters => Volatile.Read(ref _durableWaiters) > 0;

    /// <summary>Ring position up to which open intervals are in the log.</summary>
    public long SnapshotWritten => Volatile.Read(ref _snapshotWritten);

    /// <summary>Whether something written is not fsynced yet.</summary>
    public bool HasUnsynced => _ringSynced < _ringWritten || _controlSynced < _controlWritten || _snapshotSynced < _snapshotWritten;

    public void ControlEnqueued() => Interlocked.Increment(ref _controlEnqueued);

    /// <summary>Writer: a pass handed its bytes to the OS.</summary>
    public void Written(long ring, int controlEvents, long? snapshot, ulong lastSequence)
    {
        Volatile.Write(ref _ringWritten, ring);
        Volatile.Write(ref _controlWritten, _controlWritten + controlEvents);
        if (snapshot is { } position)
        {
            Volatile.Write(ref _snapshotWritten, position);
        }

        Volatile.Write(ref _lastSequence, (long)lastSequence);
    }

    /// <summary>Writer: everything written so far is fsynced.</summary>
    public void Synced()
    {
        Volatile.Write(ref _ringSynced, _ringWritten);
        Volatile.Write(ref _controlSynced, _controlWritten);
        Volatile.Write(ref _snapshotSynced, _snapshotWritten);
    }

    /// <summary>Writer: the log is closed; every interval is closed, everything written is synced.</summary>
    public void AllSynced()
    {
        Volatile.Write(ref _snapshotWritten, long.MaxValue);
        Synced();
    }

    /// <summary>Writer: wakes waiters when there are any (or <paramref name="always"/>).</summary>
    public void Publish(bool always = false)
    {
        if (always || HasWaiters)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Blocks until <paramref name="target"/> is written (or synced); false when the writer failed or stopped short of it.</summary>
    public bool Wait(Target target, bool durable, ManualResetEventSlim wake, Func<bool> healthy, Func<bool> stopped)
    {
        Interlocked.Increment(ref _waiters);
        if (durable)
        {
            Interlocked.Increment(ref _durableWaiters);
        }

        try
        {
            try
            {
                wake.Set();
            }
            catch (ObjectDisposedException)
            {
                // The writer is gone; the positions below say whether the target was reached.
            }

            lock (_gate)
            {
                while (true)
                {
                    if (Reached(target, durable))
                    {
                        return true;
                    }

                    if (!healthy() || stopped())
                    {
                        return Reached(target, durable) && healthy();
                    }

                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(50));
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

    private bool Reached(Target target, bool durable)
    {
        var ring = Volatile.Read(ref durable ? ref _ringSynced : ref _ringWritten);
        var control = Volatile.Read(ref durable ? ref _controlSynced : ref _controlWritten);
        var snapshot = Volatile.Read(ref durable ? ref _snapshotSynced : ref _snapshotWritten);
        return ring >= target.Ring && control >= target.Control && snapshot >= target.Ring;
    }
}
