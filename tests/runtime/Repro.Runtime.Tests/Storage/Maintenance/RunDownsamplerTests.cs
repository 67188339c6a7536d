using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;
using Repro.Wal;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>
/// Downsampling a real run: what every bucket keeps (min, max and their steps, so a spike and where it happened
/// survive), what is copied byte for byte, and that the log still reads without a gap after a crash at any point.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RunDownsamplerTests
{
    private const int Steps = 10_000;
    private const long SpikeStep = 7_345;
    private const long NanStep = 200;
    private static readonly MetricDeclaration s_loss = new("downsample_loss");
    private static readonly MetricDeclaration s_tokens = new("downsample_tokens", valueType: MetricValueType.Int64);
    private static readonly DateTimeOffset s_at = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Every_bucket_keeps_min_max_and_their_steps_so_the_largest_spike_and_its_step_survive_and_other_events_are_untouched()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (runId, raw) = RecordSpikyRun(home.Path);
        var store = new RunStore(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        var before = store.ReadEvents(runId).ToList();
        var sizeBefore = Directory.GetFiles(ReproHome.WalDirectory(folder)).Sum(f => new FileInfo(f).Length);

        var result = RunDownsampler.Downsample(folder, 100, s_at);

        var problems = new List<WalCorruption>();
        var after = store.ReadEvents(runId, problems.Add).ToList();
        Assert.Empty(problems);
        Assert.NotNull(result);
        Assert.Equal(2 * Steps, result.RawScalars);
        Assert.DoesNotContain(after, e => e.ValueCase == Event.ValueOneofCase.Scalar);

        var loss = after.Where(e => e.Name == s_loss.Name && e.ValueCase == Event.ValueOneofCase.Aggregate).Select(e => e.Aggregate).ToList();
        Assert.All(loss, a => Assert.True(a.Downsampled));
        Assert.All(loss, a => Assert.InRange(a.Count + a.NanCount, 1UL, 100UL));
        var finite = raw.Where(p => !double.IsNaN(p.Value)).ToList();
        var rawMin = finite.MinBy(p => p.Value);
        var spike = loss.MaxBy(a => a.Max)!;
        Assert.Equal(1e6, spike.Max);
        Assert.Equal(SpikeStep, spike.MaxStep);
        Assert.Equal(rawMin.Value, loss.Min(a => a.Min));
        Assert.Equal(rawMin.Step, loss.MinBy(a => a.Min)!.MinStep);
        Assert.Equal((ulong)finite.Count, (ulong)loss.Sum(a => (long)a.Count));
        Assert.Equal(1UL, (ulong)loss.Sum(a => (long)a.NanCount));
        Assert.Equal(0, loss[0].FirstStep);
        Assert.Equal(Steps - 1, loss[^1].LastStep);
        Assert.Equal(raw[^1].Value, loss[^1].Last);
        var bucketOfSpike = raw.Where(p => p.Step >= spike.FirstStep && p.Step <= spike.LastStep).Select(p => p.Value).ToList();
        Assert.Equal(bucketOfSpike.Average(), spike.Mean, 9);

        var tokens = after.Where(e => e.Name == s_tokens.Name && e.ValueCase == Event.ValueOneofCase.Aggregate).Select(e => e.Aggregate).ToList();
        Assert.Equal(1_000_000_000_000d + ((Steps - 1) * 7), tokens.Max(a => a.Max));
        Assert.Equal(Steps - 1, tokens.MaxBy(a => a.Max)!.MaxStep);

        // Every other event is the same, with the same sequence number and id; the log still ends where the manifest says.
        Assert.Equal(
            before.Where(e => e.ValueCase != Event.ValueOneofCase.Scalar).Select(e => e.ToString()),
            after.Where(e => e.ValueCase != Event.ValueOneofCase.Aggregate).Select(e => e.ToString()));
        Assert.Equal(store.GetRun(runId).LastSequence, store.LastSequenceInLog(runId));
        Assert.All(RunLogAudit.Audit(store, runId), check => Assert.NotEqual(CheckOutcome.Failed, check.Outcome));
        Assert.Equal(after.Count, after.Select(e => e.EventId).Distinct().Count());

        var sizeAfter = Directory.GetFiles(ReproHome.WalDirectory(folder), "*.log").Sum(f => new FileInfo(f).Length);
        Assert.True(sizeAfter * 3 < sizeBefore, $"{sizeBefore} → {sizeAfter} bytes"); // about 130 bytes a bucket of 100 packed values of about 5
        Assert.Equal(result, RunDownsampler.Read(folder));
        Assert.Null(RunDownsampler.Downsample(folder, 100, s_at)); // nothing raw is left
    }

    [Fact]
    public void The_same_log_downsampled_twice_gives_the_same_bytes()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (runId, _) = RecordSpikyRun(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        using var copy = new TemporaryDirectory("repro-downsample-copy");
        FolderCopy.Copy(folder, copy.Path);

        RunDownsampler.Downsample(folder, 64, s_at);
        RunDownsampler.Downsample(copy.Path, 64, s_at);

        Assert.Equal(MaintenanceHomes.Fingerprint(ReproHome.WalDirectory(folder)), MaintenanceHomes.Fingerprint(ReproHome.WalDirectory(copy.Path)));
    }

    [Fact]
    public void A_crash_at_any_point_of_the_swap_leaves_a_whole_log_raw_or_downsampled_and_repair_settles_it()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (runId, _) = RecordSpikyRun(home.Path);
        var store = new RunStore(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        var raw = store.ReadEvents(runId).Select(e => e.ToString()).ToList();
        using var reference = new TemporaryDirectory("repro-downsample-reference");
        FolderCopy.Copy(folder, reference.Path);
        RunDownsampler.Downsample(reference.Path, 100, s_at);
        var downsampledWal = Path.Combine(reference.Path, "wal");
        var wal = Path.Combine(folder, "wal");
        List<string> Read()
        {
            var problems = new List<WalCorruption>();
            var events = store.ReadEvents(runId, problems.Add).Select(e => e.ToString()).ToList();
            Assert.Empty(problems);
            return events;
        }

        // Killed while writing the new log: the raw log is in place and the partial rewrite is rolled back.
        FolderCopy.Copy(downsampledWal, Path.Combine(folder, "wal.rewriting"));
        File.Delete(Directory.GetFiles(Path.Combine(folder, "wal.rewriting"), "*.log")[0]);
        Assert.Equal(raw, Read());
        RunDownsampler.Repair(folder);
        Assert.False(Directory.Exists(Path.Combine(folder, "wal.rewriting")));
        Assert.Equal(raw, Read());

        // Killed between the two renames: readers read the raw log, and repair swaps the finished rewrite in.
        Directory.Move(wal, Path.Combine(folder, "wal.raw"));
        FolderCopy.Copy(downsampledWal, Path.Combine(folder, "wal.rewriting"));
        Assert.Equal(raw, Read());
        RunDownsampler.Repair(folder);
        var downsampled = Read();
        Assert.NotEqual(raw, downsampled);
        Assert.Contains(downsampled, e => e.Contains("\"downsampled\": true", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(folder, "wal.raw")));

        // Killed before the raw log was deleted: repair deletes it.
        FolderCopy.Copy(downsampledWal, Path.Combine(folder, "wal.raw"));
        RunDownsampler.Repair(folder);
        Assert.False(Directory.Exists(Path.Combine(folder, "wal.raw")));
        Assert.Equal(downsampled, Read());
    }

    [Fact]
    public void A_damaged_log_is_never_rewritten()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (runId, _) = RecordSpikyRun(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, runId);
        var segment = Directory.GetFiles(ReproHome.WalDirectory(folder), "*.log").Single();
        FileDamage.FlipByte(segment, new FileInfo(segment).Length * 2 / 3);
        var damaged = MaintenanceHomes.Fingerprint(folder);

        var refused = Assert.Throws<InvalidDataException>(() => RunDownsampler.Downsample(folder, 100, s_at));

        Assert.Contains("is damaged", refused.Message, StringComparison.Ordinal);
        Assert.Equal(damaged, MaintenanceHomes.Fingerprint(folder));
    }

    [Fact]
    public void Gc_downsamples_ended_runs_past_their_time_except_those_tagged_to_keep_and_records_it()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (old, _) = RecordSpikyRun(home.Path);
        var kept = MaintenanceHomes.Record(home.Path, "kept", tags: new Dictionary<string, string> { ["retention"] = "keep" });
        var store = new RunStore(home.Path);
        var policy = RetentionPolicy.Parse("{ \"downsample_after_days\": 30, \"downsample_bucket\": 50 }");

        Assert.Empty(GarbageCollector.Plan(store, policy, DateTimeOffset.UtcNow.AddDays(29)).Items);
        var collected = GarbageCollector.Collect(store, policy, DateTimeOffset.UtcNow.AddDays(31));

        var item = Assert.Single(collected.Items);
        Assert.Equal((GcAction.DownsampleRun, old), (item.Action, item.Target));
        Assert.True(item.Bytes > 0);
        Assert.Equal(50, RunDownsampler.Read(ReproHome.RunDirectory(home.Path, old))!.BucketSize);
        Assert.Null(RunDownsampler.Read(ReproHome.RunDirectory(home.Path, kept)));
        Assert.Empty(GarbageCollector.Plan(store, policy, DateTimeOffset.UtcNow.AddDays(60)).Items);
        Assert.Equal("1", AuditLog.Read(home.Path).Last().Details["runs_downsampled"]);
    }

    [Fact]
    public void Gc_leaves_a_damaged_log_and_a_live_run_raw_with_a_warning_naming_the_damaged_one()
    {
        using var home = new TemporaryDirectory("repro-downsample");
        var (damaged, _) = RecordSpikyRun(home.Path);
        var damagedFolder = ReproHome.RunDirectory(home.Path, damaged);
        var segment = Directory.GetFiles(ReproHome.WalDirectory(damagedFolder), "*.log").Single();
        FileDamage.FlipByte(segment, new FileInfo(segment).Length / 2);
        var before = MaintenanceHomes.Fingerprint(damagedFolder);
        using var live = Run.Start(new RunOptions { Home = home.Path, Name = "live", TelemetryInterval = TimeSpan.Zero });
        live.LogScalar(s_loss, 0, 1);
        live.Flush();

        var collected = GarbageCollector.Collect(new RunStore(home.Path), RetentionPolicy.Parse("{ \"downsample_after_days\": 0 }"), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Contains(collected.Warnings, w => w.Contains($"run {damaged} was not downsampled", StringComparison.Ordinal) && w.Contains("is damaged", StringComparison.Ordinal));
        Assert.DoesNotContain(collected.Items, i => i.Target == live.Id.ToString());
        Assert.Equal(before, MaintenanceHomes.Fingerprint(damagedFolder));
    }

    /// <summary>A run of two metrics over <see cref="Steps"/> steps: a falling loss with one spike and one NaN, and integer counts (exact as doubles, as bucket statistics are); a text event in the middle.</summary>
    private static (string RunId, List<(long Step, double Value)> Loss) RecordSpikyRun(string home)
    {
        var loss = new List<(long Step, double Value)>();
        using var run = Run.Start(new RunOptions { Home = home, Name = "spiky", TelemetryInterval = TimeSpan.Zero });
        for (long step = 0; step < Steps; step++)
        {
            var value = step == SpikeStep ? 1e6 : step == NanStep ? double.NaN : 1.0 / (step + 1) + (step % 7 * 1e-4);
            run.LogScalar(s_loss, step, value);
            run.LogInteger(s_tokens, step, 1_000_000_000_000L + (step * 7));
            loss.Add((step, value));
            if (step == Steps / 2)
            {
                run.LogText("halfway", step: step);
            }
        }

        return (run.Id.ToString(), loss);
    }
}
