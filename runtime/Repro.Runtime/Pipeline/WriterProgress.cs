namespace Repro.Pipeline;

/// <summary>
/// How far the writer has got, as positions that flush callers wait for: each lane's entries and the
/// control events written (handed to the OS) and synced (fsynced), and each lane's position up to which
/// the open intervals of summarised metrics have been snapshotted into the log (the lanes keep theirs).
/// </summary>
/// <remarks>
/// The writer thread alone advances the positions; callers of <see cref="Wait"/> block on a monitor
/// that the writer pulses after each pass while anyone waits.
/// </remarks>
internal sealed class WriterProgress
{
    private readonly object _gate = new();
    private readonly ScalarLanes _lanes;
    private long _controlEnqueued;
    private long _controlWritten;
    private long _controlSynced;
    private long _lastSequence;
    private int _waiters;
    private int _durableWaiters;

    public WriterProgress(ScalarLanes lanes)
    {
        _lanes = lanes;
    }

    /// <summary>What a flush waits for: every lane's tail and the control events enqueued before it.</summary>
    public readonly record struct Target(long[] Lanes, long Control);

    public long ControlEnqueuedCount => Volatile.Read(ref _controlEnqueued);

    public ulong LastSequence => (ulong)Volatile.Read(ref _lastSequence);

    public bool HasWaiters => Volatile.Read(ref _waiters) > 0;

    public bool HasDurableWaiters => Volatile.Read(ref _durableWaiters) > 0;

    /// <summary>Whether something written is not fsynced yet.</summary>
    public bool HasUnsynced => _controlSynced < _controlWritten || _lanes.HasUnsynced();

    public void ControlEnqueued() => Interlocked.Increment(ref _controlEnqueued);

    /// <summary>Writer: a pass handed its bytes to the OS: the lanes up to what it drained (<see cref="ScalarLanes.MarkDrained"/>).</summary>
    public void Written(int controlEvents, bool snapshot, ulong lastSequence)
    {
        _lanes.PublishWritten(snapshot);
        Volatile.Write(ref _controlWritten, _controlWritten + controlEvents);
        Volatile.Write(ref _lastSequence, (long)lastSequence);
    }

    /// <summary>Writer: everything written so far is fsynced.</summary>
    public void Synced()
    {
        _lanes.PublishSynced();
        Volatile.Write(ref _controlSynced, _controlWritten);
    }

    /// <summary>Writer: the log is closed; every interval is closed, everything written is synced.</summary>
    public void AllSynced()
    {
        _lanes.CloseSnapshots();
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
        var control = Volatile.Read(ref durable ? ref _controlSynced : ref _controlWritten);
        return control >= target.Control && _lanes.WrittenReached(target.Lanes, durable);
    }
}
