using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro runs delete / restore / trash</c>, <c>repro gc</c> and <c>repro du</c> on real runs.</summary>
[Collection(Repro.Tests.Shared.SequentialRuns.Name)]
public sealed class MaintenanceCommandTests
{
    [Fact]
    public void Delete_hides_a_run_from_list_and_events_trash_lists_it_restore_brings_it_back_and_audit_shows_both()
    {
        using var cli = new CliHarness();
        var kept = cli.RecordRun("kept", 3);
        var deleted = cli.RecordRun("mistake", 5);
        var events = cli.Invoke("events", deleted, "--jsonl").Output;

        var delete = cli.Invoke("runs", "delete", deleted[..12], "--reason", "trained on the test split");
        var list = cli.Invoke("runs", "list", "--json");
        var gone = cli.Invoke("events", deleted);
        var trash = cli.Invoke("runs", "trash");

        Assert.Equal(0, delete.ExitCode);
        Assert.Contains($"Moved run {deleted} (mistake) to the trash", delete.Output, StringComparison.Ordinal);
        Assert.Contains(kept, list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(deleted, list.Output, StringComparison.Ordinal);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains(deleted, trash.Output, StringComparison.Ordinal);
        Assert.Contains("reason: trained on the test split", trash.Output, StringComparison.Ordinal);
        Assert.Contains($"by {Environment.UserName}@", trash.Output, StringComparison.Ordinal);

        Assert.Equal(0, cli.Invoke("runs", "restore", deleted, "--reason", "needed for the paper").ExitCode);
        Assert.Equal(events, cli.Invoke("events", deleted, "--jsonl").Output);
        Assert.Contains("The trash of", cli.Invoke("runs", "trash").Output, StringComparison.Ordinal);

        var audit = cli.Invoke("audit");
        Assert.Contains($"run delete {deleted}", audit.Output, StringComparison.Ordinal);
        Assert.Contains("reason: trained on the test split", audit.Output, StringComparison.Ordinal);
        Assert.Contains($"run restore {deleted}", audit.Output, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("audit", "--verify").ExitCode);
    }

    [Fact]
    public void Delete_without_a_reason_is_a_usage_error_and_restore_of_an_unknown_run_fails_naming_the_trash()
    {
        using var cli = new CliHarness();
        var runId = cli.RecordRun("one", 2);

        var noReason = cli.Invoke("runs", "delete", runId);
        var blankReason = cli.Invoke("runs", "delete", runId, "--reason", " ");
        var unknown = cli.Invoke("runs", "restore", runId);

        Assert.NotEqual(0, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Error, StringComparison.Ordinal);
        Assert.Equal(2, blankReason.ExitCode);
        Assert.Contains("--reason", blankReason.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("the trash of", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("runs", "show", runId).ExitCode);
        Assert.False(File.Exists(AuditLog.PathOf(cli.Home)));
    }

    [Fact]
    public void Gc_dry_run_prints_the_plan_and_changes_nothing_and_gc_frees_it_and_finishes_a_killed_gcs_work()
    {
        using var cli = new CliHarness();
        var failed = cli.RecordRun("diverged", 3, fail: true);
        var finished = cli.RecordRun("good", 3);
        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"failed_runs_days\": 0 }");
        // What a gc killed between taking a run out of the trash and deleting its files leaves.
        var doomed = Path.Combine(GarbageCollector.DoomedDirectory(cli.Home), "01JDQ4Z7Y3M5N8P2R6T9V0W1X2");
        Directory.CreateDirectory(Path.Combine(doomed, "run", "wal"));
        File.WriteAllText(Path.Combine(doomed, "run", "wal", "half-deleted"), "x");

        var dry = cli.Invoke("gc", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("Policy: trash_days=30, failed_runs_days=0, object_grace_hours=24, downsample_after_days=90, downsample_bucket=100, growth_warning_mb_per_day=never.", dry.Output, StringComparison.Ordinal);
        Assert.Contains($"would trash run {failed}: failed 0 days ago", dry.Output, StringComparison.Ordinal);
        Assert.Contains("Will finish removing 1 run(s) an interrupted gc had taken out of the trash: 01JDQ4Z7Y3M5N8P2R6T9V0W1X2.", dry.Output, StringComparison.Ordinal);
        Assert.Contains("nothing was changed (--dry-run)", dry.Output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(doomed));
        Assert.Equal(0, cli.Invoke("runs", "show", failed).ExitCode);

        var gc = cli.Invoke("gc");
        Assert.Equal(0, gc.ExitCode);
        Assert.Contains($"trash run {failed}", gc.Output, StringComparison.Ordinal);
        Assert.Contains("Finished removing 1 run(s)", gc.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(doomed));
        Assert.Contains(failed, cli.Invoke("runs", "trash").Output, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("runs", "show", finished).ExitCode);

        var audit = cli.Invoke("audit").Output;
        Assert.Contains("retention change (from=trash_days=30, failed_runs_days=never, object_grace_hours=24, downsample_after_days=90, downsample_bucket=100, growth_warning_mb_per_day=never, to=trash_days=30, failed_runs_days=0, object_grace_hours=24, downsample_after_days=90, downsample_bucket=100, growth_warning_mb_per_day=never)", audit, StringComparison.Ordinal);
        Assert.Contains($"gc {failed} 01JDQ4Z7Y3M5N8P2R6T9V0W1X2 (", audit, StringComparison.Ordinal);
        Assert.Contains("interrupted_runs_finished=1", audit, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_file_with_an_unknown_field_stops_gc_with_the_field_named_and_nothing_removed()
    {
        using var cli = new CliHarness();
        var failed = cli.RecordRun("diverged", 3, fail: true);
        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"failed_run_days\": 0 }");

        var gc = cli.Invoke("gc");

        Assert.Equal(1, gc.ExitCode);
        Assert.Contains("unknown field \"failed_run_days\"", gc.Error, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("runs", "show", failed).ExitCode);
        Assert.False(File.Exists(AuditLog.PathOf(cli.Home)));
    }

    [Fact]
    public void Du_shows_each_run_and_the_trash_and_breaks_a_runs_log_down_by_kind_of_record()
    {
        using var cli = new CliHarness();
        var big = cli.RecordRun("big", 5_000);
        var small = cli.RecordRun("small", 10);
        Assert.Equal(0, cli.Invoke("runs", "delete", small, "--reason", "test").ExitCode);

        var du = cli.Invoke("du");
        var byKind = cli.Invoke("du", big);

        Assert.Equal(0, du.ExitCode);
        var lines = du.Output.Split('\n');
        Assert.True(Array.FindIndex(lines, l => l.Contains(big, StringComparison.Ordinal)) < Array.FindIndex(lines, l => l.Contains(small, StringComparison.Ordinal)), "largest first");
        Assert.Contains(lines, l => l.Contains(small, StringComparison.Ordinal) && l.Contains("trash", StringComparison.Ordinal));
        Assert.Contains("Trash: 1 run(s)", du.Output, StringComparison.Ordinal);
        Assert.Equal(0, byKind.ExitCode);
        Assert.Contains(byKind.Output.Split('\n'), l => l.Contains("scalars", StringComparison.Ordinal) && l.Contains("5,000", StringComparison.Ordinal));
        Assert.Contains(byKind.Output.Split('\n'), l => l.Contains("lifecycle", StringComparison.Ordinal));
        Assert.Equal(2, cli.Invoke("du", "--top", "-1").ExitCode);
    }

    [Fact]
    public void A_run_gc_downsampled_reads_in_every_command_which_each_say_that_it_is_downsampled()
    {
        using var cli = new CliHarness();
        var raw = cli.RecordRun("raw", 1_000);
        var downsampled = cli.RecordRun("downsampled", 1_000);
        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"downsample_after_days\": 0, \"downsample_bucket\": 10 }");
        new RunStore(cli.Home).Annotate(raw, new Dictionary<string, string> { ["retention"] = "keep" }, [], note: null);

        var gc = cli.Invoke("gc");
        var show = cli.Invoke("runs", "show", downsampled);
        var events = cli.Invoke("events", downsampled);
        var jsonl = cli.Invoke("events", downsampled, "--jsonl");
        var diff = cli.Invoke("diff", raw, downsampled);
        var report = cli.Invoke("report", raw, downsampled, "-o", Path.Combine(cli.Home, "report.html"));

        Assert.Equal(0, gc.ExitCode);
        Assert.Contains($"downsample run {downsampled}", gc.Output, StringComparison.Ordinal);
        Assert.Contains("1000 raw scalars replaced by 100 buckets of at most 10 values each", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, events.ExitCode);
        Assert.Contains("downsampled: 10 values, steps 0–9; min 0.1 at 9, max 1 at 0", events.Output, StringComparison.Ordinal);
        Assert.Equal(0, jsonl.ExitCode);
        Assert.Equal(100, jsonl.Output.Split('\n').Count(l => l.Contains("\"downsampled\":true", StringComparison.Ordinal)));
        Assert.DoesNotContain("\"type\":\"scalar\"", jsonl.Output, StringComparison.Ordinal);
        // Ten values of one metric a bucket: each bucket stands for its ten sequence numbers, and says where its extremes were.
        Assert.Equal(100, jsonl.Output.Split('\n').Count(l => l.Contains("\"sequenceSpan\":10,", StringComparison.Ordinal) && l.Contains("\"minStep\":", StringComparison.Ordinal)));
        Assert.Equal(1, diff.ExitCode);
        Assert.Contains("cannot tell: loss (downsampled in b) not compared value by value", diff.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("no recorded difference explains it", diff.Output, StringComparison.Ordinal);
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("band: downsampled: min–max, mean", File.ReadAllText(Path.Combine(cli.Home, "report.html")), StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("verify", downsampled).ExitCode);
    }
}
