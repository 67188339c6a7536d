using Repro.Storage.Audit;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro audit</c> lists what administrators did to the home and <c>--verify</c> fails on a broken chain.</summary>
[Collection(Repro.Tests.Shared.SequentialRuns.Name)]
public sealed class AuditCommandTests
{
    [Fact]
    public void Index_rebuilds_are_audited_listed_and_verified_and_an_edited_record_fails_verification()
    {
        using var cli = new CliHarness();
        cli.RecordRun("a", 3);
        Assert.Equal(0, cli.Invoke("index", "rebuild").ExitCode);
        Assert.Equal(0, cli.Invoke("index", "rebuild").ExitCode);

        var listed = cli.Invoke("audit");
        var verified = cli.Invoke("audit", "--verify");

        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(2, listed.Output.Split('\n').Count(line => line.Contains("index rebuild (events=6, problems=0, runs=1)", StringComparison.Ordinal)));
        Assert.Contains($"{Environment.UserName}@{Environment.MachineName}", listed.Output, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("Intact: 2 record(s); head ", verified.Output, StringComparison.Ordinal);

        var path = AuditLog.PathOf(cli.Home);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"runs\":\"1\"", "\"runs\":\"0\"", StringComparison.Ordinal));
        var broken = cli.Invoke("audit", "--verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("line 1: record 1 (index rebuild) was altered", broken.Error, StringComparison.Ordinal);
        Assert.Contains("Broken: 2 record(s)", broken.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_changes_are_audited_by_key_never_by_value_and_exports_with_their_destination()
    {
        using var cli = new CliHarness();
        var runId = cli.RecordRun("a", 3);
        var output = Path.Combine(cli.Home, "out.jsonl");

        Assert.Equal(0, cli.Invoke("runs", "tag", runId, "owner=ana", "api_token=ghp_R3pr0T3stT0k3nAbCdEfGhIjKlMnOpQrSt12").ExitCode);
        Assert.Equal(0, cli.Invoke("runs", "tag", runId, "--remove", "owner").ExitCode);
        Assert.Equal(0, cli.Invoke("export", runId, "-o", output).ExitCode);

        var records = AuditLog.Read(cli.Home).ToList();
        Assert.Equal(["run tag", "run tag", "run export"], records.Select(r => r.Action));
        Assert.All(records, r => Assert.Equal([runId], r.Runs));
        Assert.Equal("api_token, owner", records[0].Details["set"]); // keys only: values may be personal data
        Assert.DoesNotContain("=ana", File.ReadAllText(AuditLog.PathOf(cli.Home)), StringComparison.Ordinal);
        Assert.Equal("owner", records[1].Details["removed"]);
        Assert.Equal(("jsonl", output, "6"), (records[2].Details["format"], records[2].Details["to"], records[2].Details["events"]));
        Assert.DoesNotContain("ghp_R3pr0T3stT0k3n", File.ReadAllText(AuditLog.PathOf(cli.Home)), StringComparison.Ordinal);
        Assert.True(AuditLog.Verify(cli.Home).Intact);
    }
}
