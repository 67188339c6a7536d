using System.Runtime.CompilerServices;

namespace Repro.Pipeline;

/// <summary>
/// A run's scalar buffer: one <see cref="ScalarLane"/> per logging thread, found through a thread-static cache, so
/// producers share nothing with each other. The writer drains every lane and merges what it takes by timestamp.
/// Positions are per lane: a control event's barrier and a flush's target are the lanes' tails when they were made
/// (<see cref="Tails"/>), and are reached when every lane's head (or written position) is at or past its own.
/// </summary>
/// <remarks>
/// Lanes are never removed, so that a position vector's indexes stay valid; a thread that ends leaves an empty lane,
/// which a new thread given the same managed thread id takes over.
/// </remarks>
internal sealed class ScalarLanes
{
    [ThreadStatic]
    private static ScalarLane? t_lane;

    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ScalarLane> _byThread = [];
    private ScalarLane[] _lanes = [];
    private ScalarEntry[] _merge = [];
    private int _nextFirst;

    private readonly Action? _wakeConsumer;

    /// <summary>Lanes of <paramref name="capacityPerLane"/> entries each.</summary>
    /// <param name="capacityPerLane">Entries a lane holds: a power of two of at least 2.</param>
    /// <param name="wakeConsumer">
    /// Called by a producer that finds its lane full, so a consumer that sleeps between batches is woken then rather
    /// than when its sleep ends; null: producers never wake it. Not called on the fast path: waking the consumer while
    /// a lane fills makes both threads share its cache lines, which measured slower than letting a batch build up.
    /// </param>
    public ScalarLanes(int capacityPerLane, Action? wakeConsumer = null)
    {
        if (capacityPerLane < 2 || (capacityPerLane & (capacityPerLane - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPerLane), capacityPerLane, "The capacity must be a power of two of at least 2.");
        }

        _capacity = capacityPerLane;
        _wakeConsumer = wakeConsumer;
    }

    /// <summary>Producers: wakes the consumer (a lane is full).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal void WakeConsumer() => _wakeConsumer?.Invoke();

    /// <summary>Capacity of each lane.</summary>
    public int CapacityPerLane => _capacity;

    /// <summary>The lanes so far, in the order they were made (positions vectors use these indexes).</summary>
    public ScalarLane[] Lanes => Volatile.Read(ref _lanes);

    /// <summary>Entries lost to the buffer-full policy, every lane together.</summary>
    public long Dropped
    {
        get
        {
            long dropped = 0;
            foreach (var lane in Lanes)
            {
                dropped += lane.Dropped;
            }

            return dropped;
        }
    }

    /// <summary>The most entries waiting in any one lane.</summary>
    public long MostWaiting
    {
        get
        {
            long most = 0;
            foreach (var lane in Lanes)
            {
                most = Math.Max(most, lane.Tail - lane.Head);
            }

            return most;
        }
    }

    /// <summary>Hot path: the calling thread's lane takes <paramref name="entry"/> under <paramref name="policy"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Enqueue(in ScalarEntry entry, BufferFullPolicy policy, in bool giveUp) =>
        Enqueue(entry.Timestamp, entry.Step, entry.Value, entry.MetricId, policy, in giveUp);

    /// <summary>Hot path: <see cref="Enqueue(in ScalarEntry, BufferFullPolicy, in bool)"/> of an entry of these fields.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Enqueue(long timestamp, long step, double value, int metricId, BufferFullPolicy policy, in bool giveUp)
    {
        var lane = t_lane;
        if (lane is null || lane.Owner != this)
        {
            lane = LaneOfThisThread();
        }

        return lane.Enqueue(timestamp, step, value, metricId, policy, in giveUp);
    }

    /// <summary>Every lane's tail now: what the calling thread has logged so far is before these positions.</summary>
    /// <param name="reuse">An array to fill when it has one place per lane (the writer's, to allocate once per new lane).</param>
    public long[] Tails(long[]? reuse = null)
    {
        var lanes = Lanes;
        var tails = reuse?.Length == lanes.Length ? reuse : new long[lanes.Length];
        for (var i = 0; i < lanes.Length; i++)
        {
            tails[i] = lanes[i].Tail;
        }

        return tails;
    }

    /// <summary>Whether every lane's head is at or past its position in <paramref name="positions"/>.</summary>
    public bool HeadsReached(long[] positions)
    {
        var lanes = Lanes;
        for (var i = 0; i < positions.Length; i++)
        {
            if (lanes[i].Head < positions[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writer only: takes up to <c>destination.Length</c> entries from the lanes, none at or past a lane's position
    /// in <paramref name="barrier"/>, ordered by timestamp across lanes and in order within each; returns how many.
    /// </summary>
    /// <remarks>
    /// A lane made after the barrier gives nothing: all it holds was logged after the control event the barrier
    /// belongs to, and may precede a later control event of its own thread, which must wait for this one.
    /// </remarks>
    public int DequeueMany(Span<ScalarEntry> destination, long[]? barrier)
    {
        var lanes = Lanes;
        if (lanes.Length == 0)
        {
            return 0;
        }

        if (lanes.Length == 1)
        {
            return lanes[0].TryDequeueMany(destination, barrier is null ? long.MaxValue : barrier.Length > 0 ? barrier[0] : 0);
        }

        // Several lanes: start with a different one each time, so that one busy thread cannot starve the others.
        Span<int> starts = lanes.Length <= 64 ? stackalloc int[lanes.Length + 1] : new int[lanes.Length + 1];
        var taken = 0;
        var segments = 0;
        var first = _nextFirst++ % lanes.Length;
        for (var k = 0; k < lanes.Length && taken < destination.Length; k++)
        {
            var i = (first + k) % lanes.Length;
            var end = barrier is null ? long.MaxValue : i < barrier.Length ? barrier[i] : 0;
            var count = lanes[i].TryDequeueMany(destination[taken..], end);
            if (count > 0)
            {
                starts[segments++] = taken;
                taken += count;
            }
        }

        starts[segments] = taken;
        if (segments > 1)
        {
            MergeByTimestamp(destination[..taken], starts[..(segments + 1)]);
        }

        return taken;
    }

    /// <summary>Writer only: notes each lane's head as what the pass being written covers.</summary>
    public void MarkDrained()
    {
        foreach (var lane in Lanes)
        {
            lane.Drained = lane.Head;
        }
    }

    /// <summary>Writer only: whether some lane holds entries drained since the open intervals were last snapshotted.</summary>
    public bool SnapshotBehind()
    {
        foreach (var lane in Lanes)
        {
            if (Volatile.Read(ref lane.SnapshotWritten) < lane.Drained)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writer only: the drained positions are handed to the OS (and the open intervals with them when <paramref name="snapshot"/>).</summary>
    public void PublishWritten(bool snapshot)
    {
        foreach (var lane in Lanes)
        {
            Volatile.Write(ref lane.Written, lane.Drained);
            if (snapshot)
            {
                Volatile.Write(ref lane.SnapshotWritten, lane.Drained);
            }
        }
    }

    /// <summary>Writer only: what is written is fsynced.</summary>
    public void PublishSynced()
    {
        foreach (var lane in Lanes)
        {
            Volatile.Write(ref lane.Synced, Volatile.Read(ref lane.Written));
            Volatile.Write(ref lane.SnapshotSynced, Volatile.Read(ref lane.SnapshotWritten));
        }
    }

    /// <summary>Writer only, at the end: every interval is closed, so no flush waits for a snapshot any more.</summary>
    public void CloseSnapshots()
    {
        foreach (var lane in Lanes)
        {
            Volatile.Write(ref lane.SnapshotWritten, long.MaxValue);
        }
    }

    /// <summary>Whether every lane's written (or synced) position, and its snapshot, is at or past <paramref name="target"/>'s.</summary>
    public bool WrittenReached(long[] target, bool durable)
    {
        var lanes = Lanes;
        for (var i = 0; i < target.Length; i++)
        {
            var lane = lanes[i];
            var written = durable ? Volatile.Read(ref lane.Synced) : Volatile.Read(ref lane.Written);
            var snapshot = durable ? Volatile.Read(ref lane.SnapshotSynced) : Volatile.Read(ref lane.SnapshotWritten);
            if (written < target[i] || snapshot < target[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether some lane has entries written but not fsynced, or a snapshot not fsynced.</summary>
    public bool HasUnsynced()
    {
        foreach (var lane in Lanes)
        {
            if (Volatile.Read(ref lane.Synced) < Volatile.Read(ref lane.Written) || Volatile.Read(ref lane.SnapshotSynced) < Volatile.Read(ref lane.SnapshotWritten))
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ScalarLane LaneOfThisThread()
    {
        var thread = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (!_byThread.TryGetValue(thread, out var lane))
            {
                lane = new ScalarLane(this, _capacity);
                _byThread.Add(thread, lane);
                Volatile.Write(ref _lanes, [.. _lanes, lane]);
            }

            t_lane = lane;
            return lane;
        }
    }

    /// <summary>A k-way merge of sorted segments (k is the number of logging threads: small), stable within a segment.</summary>
    private void MergeByTimestamp(Span<ScalarEntry> entries, ReadOnlySpan<int> starts)
    {
        if (_merge.Length < entries.Length)
        {
            _merge = new ScalarEntry[Math.Max(entries.Length, _merge.Length * 2)];
        }

        var segments = starts.Length - 1;
        Span<int> next = segments <= 64 ? stackalloc int[segments] : new int[segments];
        starts[..segments].CopyTo(next);
        for (var o = 0; o < entries.Length; o++)
        {
            var best = -1;
            for (var s = 0; s < segments; s++)
            {
                if (next[s] < starts[s + 1] && (best < 0 || entries[next[s]].Timestamp < entries[next[best]].Timestamp))
                {
                    best = s;
                }
            }

            _merge[o] = entries[next[best]++];
        }

        _merge.AsSpan(0, entries.Length).CopyTo(entries);
    }
}
