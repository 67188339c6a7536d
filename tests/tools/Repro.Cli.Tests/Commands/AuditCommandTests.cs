using Repro.Storage.Audit;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro audit</c> lists what administrators did to the home and <c>--verify</c> fails on a broken chain.</summary>
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
}
