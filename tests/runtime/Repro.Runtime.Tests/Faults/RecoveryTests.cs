using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

/// <summary>Recovery of a crashed run: idempotent, survives its own death at every step, and closes open intervals.</summary>
[Collection(SequentialRuns.Name)]
public class RecoveryTests
{
    private static readonly string[] s_recoverySteps = ["evidence", "truncated", "appended", "manifest"];

    [Fact]
    public void Summarised_metrics_flushed_before_SIGKILL_survive_and_recovery_closes_their_open_intervals()
    {
        var random = new Random(20261203);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var home = new TemporaryDirectory("repro-summary-kill");
            long acknowledged;
            string runId;
            using (var child = new CrashChildProcess("summary", home.Path, "500"))
            {
                runId = child.WaitForRunId();
                WaitUntil(() => child.LastAcknowledged() >= 1000 + random.Next(0, 4000), child);
                child.Kill();
                acknowledged = child.LastAcknowledged();
            }

            var store = new RunStore(home.Path);
            var manifest = store.GetRun(runId);
            var events = store.ReadEvents(runId).ToList();
            var context = $"attempt {attempt}: acknowledged step {acknowledged}";

            Assert.Equal(RunStatus.Crashed, manifest.Status);
            Assert.Equal(["hist", "last", "sketch", "stats"], manifest.Recovery!.ClosedIntervals!);
            var closed = events.Where(e => !e.IntervalOpen).ToList();
            var stats = closed.Last(e => e.ValueCase == Event.ValueOneofCase.Aggregate).Aggregate;
            Assert.True(stats.LastStep >= acknowledged && stats.Count == (ulong)(stats.LastStep + 1), context + $": statistics cover steps to {stats.LastStep}, count {stats.Count}");
            var histogram = closed.Last(e => e.ValueCase == Event.ValueOneofCase.Histogram).Histogram;
            Assert.True(histogram.LastStep >= acknowledged && histogram.Counts.Aggregate(0ul, (a, c) => a + c) == (ulong)(histogram.LastStep + 1), context);
            var sketch = closed.Last(e => e.ValueCase == Event.ValueOneofCase.Sketch).Sketch;
            Assert.True(sketch.LastStep >= acknowledged && Math.Abs(sketch.Weights.Sum() - (sketch.LastStep + 1)) < 1e-6, context);
            Assert.True(closed.Last(e => e.Name == "last" && e.ValueCase == Event.ValueOneofCase.Scalar).Step >= acknowledged, context);
            Assert.Equal(Lifecycle.Types.Kind.Crashed, events[^1].Lifecycle.Kind);
            Assert.Contains("Open intervals closed", events[^1].Lifecycle.Message, StringComparison.Ordinal);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
        }
    }

    [Fact]
    public void A_recovery_killed_after_any_step_is_finished_by_the_next_reader_with_one_crashed_event_and_the_first_evidence()
    {
        using var origin = new TemporaryDirectory("repro-recovery-origin");
        string runId;
        using (var child = new CrashChildProcess("log", origin.Path, "1000"))
        {
            runId = child.WaitForRunId();
            WaitUntil(() => child.LastAcknowledged() >= 5000, child);
            child.Kill();
        }

        // A torn last record, as a kill in the middle of a write leaves it.
        var segment = Directory.GetFiles(Path.Combine(origin.Path, "runs", runId, "wal"), "*.log").Order(StringComparer.Ordinal).Last();
        File.AppendAllText(segment, "torn-record-tail-bytes");

        using var reference = CopyOf(origin.Path);
        var expected = new RunStore(reference.Path).GetRun(runId).Recovery!;
        var expectedEvents = new RunStore(reference.Path).ReadEvents(runId).Count();
        Assert.True(expected.TruncatedBytes >= "torn-record-tail-bytes".Length);
        Assert.NotEmpty(expected.Problems);

        foreach (var step in s_recoverySteps)
        {
            using var home = CopyOf(origin.Path);
            using (var dying = new CrashChildProcess("recover-die", home.Path, runId, step))
            {
                dying.WaitForExit();
                Assert.Contains($"DIE {step}", dying.Lines);
            }

            var store = new RunStore(home.Path);
            var manifest = store.GetRun(runId);
            var events = store.ReadEvents(runId).ToList();

            Assert.Equal(RunStatus.Crashed, manifest.Status);
            Assert.Single(events, e => e.Lifecycle?.Kind == Lifecycle.Types.Kind.Crashed);
            Assert.Equal(expectedEvents, events.Count);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
            Assert.Equal(events[^1].Sequence, manifest.LastSequence);
            Assert.Equal(expected.TruncatedBytes, manifest.Recovery!.TruncatedBytes);
            Assert.Equal(expected.Problems.Select(p => p.Replace(reference.Path, "HOME", StringComparison.Ordinal)), manifest.Recovery.Problems.Select(p => p.Replace(home.Path, "HOME", StringComparison.Ordinal)));
            Assert.Equal("crashed", manifest.Recovery.Outcome);
            Assert.False(File.Exists(Path.Combine(home.Path, "runs", runId, RunRecovery.EvidenceFileName)) && step != "manifest", step);
        }
    }

    [Fact]
    public async Task Readers_recovering_one_run_at_once_produce_one_recovery()
    {
        using var home = new TemporaryDirectory("repro-recovery-race");
        string runId;
        using (var child = new CrashChildProcess("log", home.Path, "1000"))
        {
            runId = child.WaitForRunId();
            WaitUntil(() => child.LastAcknowledged() >= 2000, child);
            child.Kill();
        }

        var readers = Enumerable.Range(0, 4).Select(_ => new CrashChildProcess("status", home.Path, runId)).ToList();
        var inProcess = Enumerable.Range(0, 4).Select(_ => Task.Run(() => new RunStore(home.Path).ReadEvents(runId).Count())).ToArray();
        await Task.WhenAll(inProcess).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.All(readers, r => Assert.Equal(0, r.WaitForExit()));
        readers.ForEach(r => r.Dispose());

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Single(events, e => e.Lifecycle?.Kind == Lifecycle.Types.Kind.Crashed);
        Assert.Equal(RunStatus.Crashed, new RunStore(home.Path).GetRun(runId).Status);
    }

    [Theory]
    [InlineData(false, RunStatus.Finished, "finished")]
    [InlineData(true, RunStatus.Failed, "failed")]
    public void A_run_whose_end_event_reached_the_log_but_not_the_manifest_keeps_that_status(bool fail, RunStatus expected, string outcome)
    {
        using var home = new TemporaryDirectory("repro-recovery-ended");
        string runId;
        var run = Run.Start(new RunOptions { Home = home.Path });
        runId = run.Id.ToString();
        run.LogScalar(new MetricDeclaration("loss"), 1, 0.5);
        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        // The process died after the end event was fsynced and before the manifest was rewritten.
        var manifestPath = Path.Combine(home.Path, "runs", runId, "manifest.json");
        var ended = RunManifestJson.Read(manifestPath);
        RunManifestJson.Write(manifestPath, ended with { Status = RunStatus.Running, EndedAt = null, Failure = null });

        var store = new RunStore(home.Path);
        var recovered = store.GetRun(runId);
        var events = store.ReadEvents(runId).ToList();

        Assert.Equal(expected, recovered.Status);
        Assert.Equal(outcome, recovered.Recovery!.Outcome);
        Assert.Equal(ended.LastSequence, recovered.LastSequence);
        Assert.DoesNotContain(events, e => e.Lifecycle?.Kind == Lifecycle.Types.Kind.Crashed);
        if (fail)
        {
            Assert.Contains("diverged", recovered.Failure, StringComparison.Ordinal);
        }
    }

    private static TemporaryDirectory CopyOf(string source)
    {
        var copy = new TemporaryDirectory("repro-recovery-copy");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static void WaitUntil(Func<bool> condition, CrashChildProcess child)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the child did not get that far: " + string.Join(" | ", child.Lines.TakeLast(3)));
            }

            Thread.Sleep(5);
        }
    }
}
