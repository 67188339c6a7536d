using System.Runtime.CompilerServices;
using TorchSharp;

namespace Repro.TorchSharp.Metrics;

/// <summary>
/// One run's tensor values that a device is still computing, and the background thread that logs them once it
/// has: it waits for the devices (never the training thread), reads the host copies and logs them in the order
/// they were logged. The run resolves them before a flush and before its end (<see cref="IPendingMetricValues"/>).
/// </summary>
internal sealed class PendingTensorValues : IPendingMetricValues
{
    private static readonly ConditionalWeakTable<Run, PendingTensorValues> s_perRun = [];

    private readonly Run _run;
    private readonly Queue<PendingValue> _queue = new();
    private readonly object _gate = new();
    private Thread? _resolver;
    private long _enqueued;
    private long _done;
    private long _abandoned;
    private bool _stopped;

    private PendingTensorValues(Run run)
    {
        _run = run;
    }

    /// <summary>The run's pending values, created (and registered with the run) on first use.</summary>
    public static PendingTensorValues For(Run run) => s_perRun.GetValue(run, static r =>
    {
        var pending = new PendingTensorValues(r);
        r.AddPendingValues(pending);
        return pending;
    });

    /// <summary>Values logged but not yet recorded.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _enqueued - _done;
            }
        }
    }

    /// <summary>Queues a value whose host copy the device is filling; takes ownership of that tensor.</summary>
    public void Enqueue(PendingValue value)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                value.Value.Dispose();
                throw new InvalidOperationException($"The run has ended; metric '{value.Metric.Name}' cannot be logged into it.");
            }

            _queue.Enqueue(value);
            _enqueued++;
            if (_resolver is null)
            {
                _resolver = new Thread(Resolve) { IsBackground = true, Name = "Repro tensor metrics" };
                _resolver.Start();
            }

            Monitor.PulseAll(_gate);
        }
    }

    /// <inheritdoc />
    public bool ResolvePending(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            var target = _enqueued;
            while (_done < target && !_stopped)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_gate, left);
            }

            return _done >= target;
        }
    }

    /// <inheritdoc />
    public long Abandon()
    {
        lock (_gate)
        {
            _stopped = true;
            while (_queue.TryDequeue(out var value))
            {
                value.Value.Dispose();
                _abandoned++;
                _done++;
            }

            Monitor.PulseAll(_gate);

            // Values the resolver holds but has not logged (a device that never finished) are given up too.
            return _abandoned + (_enqueued - _done);
        }
    }

    private void Resolve()
    {
        var batch = new List<PendingValue>();
        while (true)
        {
            lock (_gate)
            {
                while (_queue.Count == 0 && !_stopped)
                {
                    Monitor.Wait(_gate);
                }

                if (_queue.Count == 0)
                {
                    return;
                }

                batch.AddRange(_queue);
                _queue.Clear();
            }

            var abandoned = ResolveBatch(batch);
            lock (_gate)
            {
                _done += batch.Count;
                _abandoned += abandoned;
                Monitor.PulseAll(_gate);
            }

            batch.Clear();
        }
    }

    /// <summary>Waits for each device the batch came from, once, then logs the batch in order; returns how many could not be.</summary>
    private int ResolveBatch(List<PendingValue> batch)
    {
        var failed = 0;
        foreach (var device in batch.Select(v => v.Device).OfType<torch.Device>().DistinctBy(d => d.ToString()))
        {
            try
            {
                TensorMetrics.HostRead?.Invoke("synchronize");
                torch.cuda.synchronize(device);
            }
#pragma warning disable CA1031 // This thread must never take the training process down: whatever fails, the values are given up and counted.
            catch (Exception)
#pragma warning restore CA1031
            {
                // A device that fails here failed the program's own work too; the values it held are counted as given up.
                failed += batch.Count(v => v.Device?.ToString() == device.ToString());
                foreach (var value in batch.Where(v => v.Device?.ToString() == device.ToString()))
                {
                    value.Value.Dispose();
                }

                batch.RemoveAll(v => v.Device?.ToString() == device.ToString());
            }
        }

        foreach (var value in batch)
        {
            using var scope = torch.NewDisposeScope();
            try
            {
                TensorMetrics.Record(_run, value);
            }
#pragma warning disable CA1031 // As above: a value that cannot be read or logged (the run ended meanwhile, a device error) is counted, never thrown.
            catch (Exception)
#pragma warning restore CA1031
            {
                failed++;
            }
            finally
            {
                value.Value.Dispose();
            }
        }

        return failed;
    }
}
