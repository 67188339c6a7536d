using System.Text;
using Repro.Storage.Audit;
using Repro.Tests.Shared.Runs;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro runs redact</c>: a value a run recorded anywhere — events, tags, note, configuration, annotations, the index — is gone after it.</summary>
[Collection(Repro.Tests.Shared.SequentialRuns.Name)]
public sealed class RedactCommandTests
{
    private const string Person = "alice@example.com";
    private static readonly MetricDeclaration s_loss = new("loss");

    [Fact]
    public void Every_copy_of_the_value_in_the_home_is_replaced_the_run_still_verifies_and_the_audit_log_counts_without_naming_it()
    {
        using var cli = new CliHarness();
        string runId;
        using (var run = Run.Start(new RunOptions
        {
            Home = cli.Home,
            Name = "labels",
            TelemetryInterval = TimeSpan.Zero,
            Tags = new Dictionary<string, string> { ["owner"] = Person },
            Note = $"asked by {Person}",
        }))
        {
            runId = run.Id.ToString();
            run.RecordHyperparameters(new JsonConfiguration($$"""{"annotator":"{{Person}}","epochs":3}"""));
            run.LogText($"contacted {Person} about the labels");
            for (long step = 0; step < 100; step++)
            {
                run.LogScalar(s_loss, step, 1.0 / (step + 1));
            }
        }

        Assert.Equal(0, cli.Invoke("runs", "tag", runId, $"reviewer={Person}").ExitCode);
        Assert.Equal(0, cli.Invoke("index", "update").ExitCode);
        Assert.True(FilesContaining(cli.Home).Count >= 3, "the value was recorded in the run, its annotations and the index");
        var lossBefore = cli.Invoke("events", runId, "--jsonl").Output.Split('\n').Where(l => l.Contains("\"loss\"", StringComparison.Ordinal)).ToList();

        var redacted = cli.Invoke("runs", "redact", runId, "--value", Person, "--reason", "erasure request 2026-12-06");

        Assert.Equal(0, redacted.ExitCode);
        Assert.Contains("occurrence(s) replaced with [redacted]", redacted.Output, StringComparison.Ordinal);
        Assert.Empty(FilesContaining(cli.Home));
        var events = cli.Invoke("events", runId, "--jsonl").Output;
        Assert.Contains("contacted [redacted] about the labels", events, StringComparison.Ordinal);
        var store = new Repro.Storage.RunStore(cli.Home);
        var configuration = store.ReadEvents(runId).Single(e => e.ValueCase == Repro.Events.Event.ValueOneofCase.Hyperparameters).Hyperparameters;
        Assert.Equal("""{"annotator":"[redacted]","epochs":3}""", configuration.CanonicalJson);
        Assert.Equal(Repro.Hyperparameters.CanonicalJson.Sha256(configuration.CanonicalJson), configuration.Sha256);
        Assert.Equal(configuration.Sha256, store.GetRun(runId).ConfigHash);
        Assert.Equal(lossBefore, events.Split('\n').Where(l => l.Contains("\"loss\"", StringComparison.Ordinal)).ToList());
        var show = cli.Invoke("runs", "show", runId).Output;
        Assert.Contains("owner=[redacted]", show, StringComparison.Ordinal);
        Assert.Equal(0, cli.Invoke("verify", runId).ExitCode);
        var audit = AuditLog.Read(cli.Home).Last();
        Assert.Equal(("run redact", "erasure request 2026-12-06", "1"), (audit.Action, audit.Reason, audit.Details["values"]));
        Assert.True(int.Parse(audit.Details["replacements"], System.Globalization.CultureInfo.InvariantCulture) >= 5);
    }

    [Fact]
    public void A_value_too_short_or_a_missing_reason_is_refused_and_nothing_changes()
    {
        using var cli = new CliHarness();
        var runId = cli.RecordRun("a", 3);

        Assert.Equal(2, cli.Invoke("runs", "redact", runId, "--value", "ab", "--reason", "test").ExitCode);
        Assert.NotEqual(0, cli.Invoke("runs", "redact", runId, "--value", "loss").ExitCode);
        Assert.False(File.Exists(AuditLog.PathOf(cli.Home)));
    }

    private static List<string> FilesContaining(string home) =>
        [.. Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories).Where(f => File.ReadAllText(f, Encoding.Latin1).Contains(Person, StringComparison.Ordinal))];
}
