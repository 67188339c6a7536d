using Repro.Events;
using Repro.Runs;
using Repro.Runtime.Tests.Faults;
using Repro.Storage;
using Repro.Telemetry;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Telemetry;

[Collection(SequentialRuns.Name)]
public class TelemetryTests
{
    [Fact]
    public void The_sampler_records_process_telemetry_at_its_interval()
    {
        using var home = new TemporaryDirectory();
        string runId;
        var store = new RunStore(home.Path);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int Count(string id) => store.ReadEvents(id).Count(e => e.ValueCase == Event.ValueOneofCase.Telemetry);
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.FromMilliseconds(100) }))
        {
            runId = run.Id.ToString();
            var garbage = Enumerable.Range(0, 1000).Select(i => new byte[1024]).ToList();
            // Wait for three samples rather than sleeping a fixed time: a loaded machine may be slow to schedule the sampler.
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && (run.Flush() ? Count(runId) : 0) < 3)
            {
                Thread.Sleep(50);
            }

            GC.KeepAlive(garbage);
        }

        var elapsed = clock.Elapsed;
        var samples = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Telemetry).Select(e => e.Telemetry).ToList();

        // At least the three waited for, and never more than one an interval (plus the first, taken at once).
        Assert.InRange(samples.Count, 3, (int)(elapsed.TotalMilliseconds / 100) + 2);
        Assert.All(samples, s =>
        {
            Assert.True(s.WorkingSetBytes > 10_000_000, $"working set {s.WorkingSetBytes}");
            Assert.True(s.GcHeapBytes > 0);
            Assert.True(s.ThreadPoolThreads > 0);
            Assert.InRange(s.CpuPercent, 0, 100);
            Assert.Equal(NvidiaSmi.IsAvailable, s.Gpus.Count > 0);
        });
    }

    [Fact]
    public void Telemetry_can_be_switched_off_and_bad_intervals_are_refused()
    {
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            Thread.Sleep(50);
        }

        Assert.DoesNotContain(new RunStore(home.Path).ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Telemetry);
        Assert.Throws<ArgumentOutOfRangeException>(() => Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.FromMilliseconds(5) }));
    }

    [Fact]
    public void Real_nvidia_smi_output_from_an_H100_is_parsed()
    {
        var output = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Telemetry", "Fixtures", "nvidia-smi-h100.csv"));

        var gpu = Assert.Single(NvidiaSmi.Parse(output));

        Assert.Equal((0u, 0.0, 0ul, 81559ul * 1024 * 1024), (gpu.Index, gpu.UtilizationPercent, gpu.MemoryUsedBytes, gpu.MemoryTotalBytes));
    }

    [Fact]
    public void Unreadable_nvidia_smi_lines_are_skipped()
    {
        var gpus = NvidiaSmi.Parse("0, 37, 1024, 81559\n1, [N/A], [N/A], 81559\ngarbage\n2, 99.5, 0, 40960\n");

        Assert.Equal([0u, 2u], gpus.Select(g => g.Index));
        Assert.Equal(99.5, gpus[1].UtilizationPercent);
    }
}

public class ProcessHookTests
{
    [Fact]
    public void An_unhandled_exception_fails_the_run_with_its_type_message_and_stack()
    {
        using var home = new TemporaryDirectory("repro-hooks");
        string runId;
        using (var child = new CrashChildProcess("unhandled", home.Path))
        {
            runId = child.WaitForRunId();
            Assert.NotEqual(0, child.WaitForExit());
        }

        var store = new RunStore(home.Path);
        var manifest = store.GetRun(runId);
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Equal("System.InvalidOperationException: the loss became NaN at step 1", manifest.Failure);
        var failed = store.ReadEvents(runId).Last();
        Assert.Equal(Lifecycle.Types.Kind.Failed, failed.Lifecycle.Kind);
        Assert.Contains("Program", failed.Lifecycle.StackTrace, StringComparison.Ordinal);
        Assert.Contains(store.ReadEvents(runId), e => e.ValueCase == Event.ValueOneofCase.Scalar);
    }

    [Fact]
    public void Exiting_without_finishing_fails_the_run_with_the_exit_code()
    {
        using var home = new TemporaryDirectory("repro-hooks");
        string runId;
        using (var child = new CrashChildProcess("exit", home.Path))
        {
            runId = child.WaitForRunId();
            Assert.Equal(3, child.WaitForExit());
        }

        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.Equal(RunStatus.Failed, manifest.Status);
        Assert.Contains("exited with code 3", manifest.Failure, StringComparison.Ordinal);
    }
}
