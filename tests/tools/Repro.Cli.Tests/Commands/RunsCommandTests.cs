using Repro.Tests.Shared;
using System.Text.Json;

namespace Repro.Cli.Tests.Commands;

[Collection(SequentialRuns.Name)]
public class RunsCommandTests
{
    [Fact]
    public void List_shows_every_run_newest_first_in_a_table()
    {
        using var cli = new CliHarness();
        var older = cli.RecordRun("baseline", 3);
        var newer = cli.RecordRun("bigger-lr", 5, fail: true);

        var (code, output, error) = cli.Invoke("runs", "list");

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.True(output.IndexOf(newer, StringComparison.Ordinal) < output.IndexOf(older, StringComparison.Ordinal));
        Assert.Contains("baseline", output, StringComparison.Ordinal);
        Assert.Contains("failed", output, StringComparison.Ordinal);
        Assert.Contains("finished", output, StringComparison.Ordinal);
    }

    [Fact]
    public void List_json_is_an_array_of_manifests()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 3);

        var (code, output, _) = cli.Invoke("runs", "list", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var run = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(id, run.GetProperty("runId").GetString());
        Assert.Equal("finished", run.GetProperty("status").GetString());
        Assert.Equal(6, run.GetProperty("lastSequence").GetInt32()); // started, declared, 3 scalars, finished
    }

    [Fact]
    public void List_on_an_empty_home_says_so()
    {
        using var cli = new CliHarness();

        var (code, output, _) = cli.Invoke("runs", "list");

        Assert.Equal(0, code);
        Assert.Contains("No runs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_prints_status_seeds_and_failure()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("bigger-lr", 2, fail: true);

        var (code, output, _) = cli.Invoke("runs", "show", id);

        Assert.Equal(0, code);
        Assert.Contains(id, output, StringComparison.Ordinal);
        Assert.Contains("torch.cpu=42", output, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: diverged", output, StringComparison.Ordinal);
        Assert.Contains("unstamped", output, StringComparison.Ordinal); // the test host was built without Repro's targets
    }

    [Fact]
    public void Show_json_is_the_manifest()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 1);

        var (code, output, _) = cli.Invoke("runs", "show", id, "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(id, json.RootElement.GetProperty("runId").GetString());
        Assert.Equal(42, json.RootElement.GetProperty("seeds").GetProperty("torch.cpu").GetInt32());
    }

    [Theory]
    [InlineData("nonsense", "is not a run id", 2)]
    [InlineData("01M8CS53VMDSF5MQWKRC2VHBTE", "No run 01M8CS53VMDSF5MQWKRC2VHBTE", 1)]
    public void Show_explains_a_bad_run_id_with_exit_2_and_a_missing_run_with_exit_1(string runId, string message, int exitCode)
    {
        using var cli = new CliHarness();

        var (code, output, error) = cli.Invoke("runs", "show", runId);

        Assert.Equal(exitCode, code);
        Assert.Empty(output);
        Assert.StartsWith("repro: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Parameter", error, StringComparison.Ordinal);
    }
}
