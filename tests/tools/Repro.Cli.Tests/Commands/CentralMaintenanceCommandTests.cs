using Repro.Storage.Maintenance;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro gc --store/--remote</c> and <c>repro du --store</c> against a real central store.</summary>
[Collection(SequentialRuns.Name)]
public sealed class CentralMaintenanceCommandTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [SkippableFact]
    public void Gc_applies_the_policy_to_the_central_store_and_du_shows_its_months_and_runs()
    {
        var url = databases.NewDatabase();
        using var cli = new CliHarness();
        var failed = cli.RecordRun("diverged", 3, fail: true);
        var finished = cli.RecordRun("good", 3);
        Assert.Equal(0, cli.Invoke("push", "--store", url).ExitCode);
        File.WriteAllText(RetentionPolicy.PathOf(cli.Home), "{ \"failed_runs_days\": 0 }");
        var month = DateTime.UtcNow.ToString("'y'yyyy'm'MM", System.Globalization.CultureInfo.InvariantCulture);

        var du = cli.Invoke("du", "--store", url);
        Assert.True(du.ExitCode == 0, du.Error);
        Assert.Contains("its partitions by month", du.Output, StringComparison.Ordinal);
        Assert.Contains(month, du.Output, StringComparison.Ordinal);
        Assert.Contains(finished, du.Output, StringComparison.Ordinal);
        Assert.Contains("Runs: 2.", du.Output, StringComparison.Ordinal);

        var dry = cli.Invoke("gc", "--dry-run", "--store", url);
        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains($"would delete run {failed}: failed 0 days ago (failed_runs_days=0)", dry.Output, StringComparison.Ordinal);
        Assert.Equal(2L, PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.runs"));

        var gc = cli.Invoke("gc", "--store", url);
        Assert.True(gc.ExitCode == 0, gc.Error);
        Assert.Contains($"delete run {failed}", gc.Output, StringComparison.Ordinal);
        Assert.Equal(1L, PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.runs"));
        Assert.Contains("gc", cli.Invoke("audit").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_of_a_bucket_without_the_central_store_is_refused_naming_why()
    {
        using var cli = new CliHarness();
        cli.RecordRun("one", 2);

        var refused = cli.Invoke("gc", "--remote", "s3://shared-bucket/team");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("needs --store", refused.Error, StringComparison.Ordinal);
        Assert.Contains("only the central store indexes all their runs", refused.Error, StringComparison.Ordinal);
    }
}
