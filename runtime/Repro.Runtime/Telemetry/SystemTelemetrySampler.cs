using System.Diagnostics;
using System.Globalization;
using Repro.Events;

namespace Repro.Telemetry;

/// <summary>
/// Samples the process and machine on a timer thread, never on the logging path: CPU, working set,
/// GC, thread pool, disk I/O (Linux <c>/proc/self/io</c>) and, when <c>nvidia-smi</c> exists, GPU
/// utilisation and memory. Each sample becomes a <c>system</c> telemetry event.
/// </summary>
internal sealed class SystemTelemetrySampler : IDisposable
{
    private readonly Action<Event> _emit;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    private TimeSpan _lastCpu;
    private long _lastTicks;
    private bool _disposed;

    public SystemTelemetrySampler(TimeSpan interval, Action<Event> emit)
    {
        _emit = emit;
        using (var process = Process.GetCurrentProcess())
        {
            _lastCpu = process.TotalProcessorTime;
        }

        _lastTicks = Stopwatch.GetTimestamp();
        _timer = new Timer(_ => SampleNow(), null, interval, interval);
    }

    /// <summary>Takes one sample now and emits it.</summary>
    public void SampleNow()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                _emit(new Event { Name = "system", Telemetry = Sample() });
            }
            catch (InvalidOperationException)
            {
                // The run ended between the timer firing and the sample: nothing to record it in.
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private SystemTelemetry Sample()
    {
        using var process = Process.GetCurrentProcess();
        var now = Stopwatch.GetTimestamp();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.GetElapsedTime(_lastTicks, now);
        var cpuPercent = wall > TimeSpan.Zero ? (cpu - _lastCpu) / wall / Environment.ProcessorCount * 100 : 0;
        _lastCpu = cpu;
        _lastTicks = now;

        var (read, written) = DiskIo();
        var telemetry = new SystemTelemetry
        {
            CpuPercent = Math.Round(cpuPercent, 2),
            WorkingSetBytes = (ulong)Environment.WorkingSet,
            GcHeapBytes = (ulong)GC.GetTotalMemory(forceFullCollection: false), // live now; GetGCMemoryInfo only describes the last collection
            GcGen0 = (uint)GC.CollectionCount(0),
            GcGen1 = (uint)GC.CollectionCount(1),
            GcGen2 = (uint)GC.CollectionCount(2),
            ThreadPoolThreads = (uint)ThreadPool.ThreadCount,
            ThreadPoolQueue = (ulong)ThreadPool.PendingWorkItemCount,
            DiskReadBytes = read,
            DiskWriteBytes = written,
        };
        telemetry.Gpus.AddRange(NvidiaSmi.Query());
        return telemetry;
    }

    /// <summary>Bytes this process read from and wrote to storage, from /proc/self/io; zeros elsewhere.</summary>
    private static (ulong Read, ulong Written) DiskIo()
    {
        try
        {
            ulong read = 0, written = 0;
            foreach (var line in File.ReadLines("/proc/self/io"))
            {
                if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
                {
                    read = ulong.Parse(line.AsSpan(11).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                {
                    written = ulong.Parse(line.AsSpan(12).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return (read, written);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return (0, 0);
        }
    }
}
