using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro diff</c> on real runs: the verdict line, its reasons, the JSON for scripts, and the exit codes.</summary>
[Collection(SequentialRuns.Name)]
public sealed class DiffCommandTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Identical_runs_exit_0_with_the_last_step_they_agree_through()
    {
        var a = Record(seed: 1, disturbAt: null);
        var b = Record(seed: 1, disturbAt: null);

        var (code, output, error) = _cli.Invoke("diff", a, b);

        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("identical through step 49", output, StringComparison.Ordinal);
        Assert.Contains("bit-identical", output, StringComparison.Ordinal);
        Assert.Contains("Same in both: seeds, hyperparameters, data, code, packages, determinism, environment.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Diverging_runs_exit_1_with_the_step_the_metric_and_the_seed_as_the_first_reason()
    {
        var a = Record(seed: 1, disturbAt: null);
        var b = Record(seed: 2, disturbAt: 17);

        var (code, output, _) = _cli.Invoke("diff", a, b);

        Assert.Equal(1, code);
        var verdict = output.IndexOf("diverge at step 17 (loss)", StringComparison.Ordinal);
        Assert.True(verdict > 0, output);
        var reason = output.IndexOf("- seeds: trainer 1 → 2", StringComparison.Ordinal);
        Assert.True(reason > verdict, output); // the reasons follow the verdict
    }

    [Fact]
    public void Json_holds_the_verdict_the_metrics_and_the_differences_by_part()
    {
        var a = Record(seed: 1, disturbAt: null);
        var b = Record(seed: 2, disturbAt: 17);

        var (code, output, _) = _cli.Invoke("diff", a, b, "--json");

        Assert.Equal(1, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.False(root.GetProperty("identical").GetBoolean());
        Assert.Equal(17, root.GetProperty("divergentStep").GetInt64());
        Assert.Equal("loss", root.GetProperty("divergentMetric").GetString());
        var loss = root.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "loss");
        Assert.Equal(50, loss.GetProperty("valuesA").GetInt64());
        Assert.Equal(17, loss.GetProperty("firstDifferentStep").GetInt64());
        Assert.Equal(0.5, loss.GetProperty("maxAbsoluteDifference").GetDouble(), 12);
        var seed = Assert.Single(root.GetProperty("differences").GetProperty("seeds").EnumerateArray());
        Assert.Equal("trainer", seed.GetProperty("field").GetString());
        Assert.Equal("1", seed.GetProperty("a").GetString());
        Assert.Equal("2", seed.GetProperty("b").GetString());
        Assert.StartsWith("seeds:", root.GetProperty("explanations")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_run_exits_1_and_a_malformed_id_exits_2()
    {
        var a = Record(seed: 1, disturbAt: null);

        Assert.Equal(1, _cli.Invoke("diff", a, "01JDQ4Z7Y3M5N8P2R6T9V0W1X2").ExitCode);
        Assert.Equal(2, _cli.Invoke("diff", a, "not-a-run").ExitCode);
    }

    private string Record(long seed, int? disturbAt)
    {
        var run = Run.Start(new RunOptions { Home = _cli.Home, Name = "diff", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        run.RecordSeed("trainer", seed);
        for (var step = 0; step < 50; step++)
        {
            run.LogScalar(s_loss, step, (1.0 / (step + 1)) + (step == disturbAt ? 0.5 : 0));
        }

        run.Finish();
        Thread.Sleep(2);
        return run.Id.ToString();
    }
}
