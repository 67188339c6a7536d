using Repro.Comparison;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Runs;

namespace Repro.Runtime.Tests.Comparison;

/// <summary>
/// <see cref="RunDiff"/> on real runs: bit-identical streams, the first step where streams part (in value, in step,
/// or in length), the largest differences, and the verdict's reasons in the order they most often explain it.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RunDiffTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_accuracy = new("accuracy");
    private static readonly MetricDeclaration s_tokens = new("tokens", valueType: MetricValueType.Int64);
    private readonly TemporaryDirectory _home = new("repro-diff");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Runs_that_log_the_same_values_are_identical_through_their_last_step()
    {
        var a = Record(seed: 7, loss: Curve());
        var b = Record(seed: 7, loss: Curve());

        var diff = Compare(a, b);

        Assert.True(diff.Identical);
        Assert.Equal("identical through step 99", diff.Verdict);
        Assert.All(diff.Metrics, m => Assert.True(m.Identical));
        Assert.Equal(100, diff.Metrics.Single(m => m.Name == "loss").Compared);
        Assert.Empty(diff.Explanations);
        Assert.Empty(diff.Sections.Single(s => s.Name == "seeds").Differences);
    }

    [Fact]
    public void The_first_step_where_a_value_differs_is_the_verdict_with_the_largest_differences()
    {
        var changed = Curve();
        changed[40] = Math.BitIncrement(changed[40]); // one ulp: only a bit-exact comparison sees it
        changed[70] += 0.25;
        var a = Record(seed: 7, loss: Curve());
        var b = Record(seed: 7, loss: changed);

        var diff = Compare(a, b);

        Assert.False(diff.Identical);
        Assert.Equal("diverge at step 40 (loss)", diff.Verdict);
        var loss = diff.Metrics.Single(m => m.Name == "loss");
        Assert.Equal(40, loss.FirstDifferentStep);
        Assert.Equal(2, loss.Differing);
        Assert.Equal(0.25, loss.MaxAbsoluteDifference, 12);
        Assert.Equal(0.25 / changed[70], loss.MaxRelativeDifference, 12);
        Assert.True(diff.Metrics.Single(m => m.Name == "accuracy").Identical);
        Assert.StartsWith("no recorded difference explains it", diff.Explanations[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_seed_is_named_first_among_the_reasons()
    {
        var a = Record(seed: 7, loss: Curve());
        var b = Record(seed: 8, loss: Curve(shift: 0.01));

        var diff = Compare(a, b);

        Assert.Equal("diverge at step 0 (loss)", diff.Verdict);
        Assert.StartsWith("seeds: torch.cpu 7 → 8", diff.Explanations[0], StringComparison.Ordinal);
        Assert.Contains(diff.Explanations, e => e.StartsWith("hyperparameters: configuration hash", StringComparison.Ordinal));
        Assert.Contains(new Difference("seed", "7", "8"), diff.Sections.Single(s => s.Name == "hyperparameters").Differences);
    }

    [Fact]
    public void A_stream_that_stops_early_or_logs_other_steps_diverges_where_it_parts()
    {
        var a = Record(seed: 7, loss: Curve());
        var shorter = Record(seed: 7, loss: Curve()[..60]);
        var skipping = Record(seed: 7, loss: Curve(), stepStride: 2);

        var early = Compare(a, shorter).Metrics.Single(m => m.Name == "loss");
        Assert.Equal(60, early.FirstDifferentStep);
        Assert.Equal(40, early.Differing);
        Assert.Equal(60, early.Compared);

        var strided = Compare(a, skipping);
        Assert.Equal("diverge at step 1 (loss)", strided.Verdict);
    }

    [Fact]
    public void Integer_metrics_are_compared_exactly_and_metrics_only_one_run_logged_are_named()
    {
        var a = Record(seed: 7, loss: Curve(), tokens: [long.MaxValue - 1, 5]);
        var b = Record(seed: 7, loss: Curve(), tokens: [long.MaxValue, 5], extraMetric: true);

        var diff = Compare(a, b);

        var tokens = diff.Metrics.Single(m => m.Name == "tokens");
        Assert.Equal(0, tokens.FirstDifferentStep); // the two longs are the same double; their bits are not
        Assert.Equal(["extra"], diff.OnlyInB);
        Assert.Empty(diff.OnlyInA);
    }

    [Fact]
    public void Nan_equals_nan_bit_for_bit_and_non_finite_differences_are_not_measured()
    {
        var withNan = Curve();
        withNan[10] = double.NaN;
        var withInfinity = Curve();
        withInfinity[10] = double.PositiveInfinity;

        Assert.True(Compare(Record(seed: 7, loss: withNan), Record(seed: 7, loss: withNan)).Identical);
        var loss = Compare(Record(seed: 7, loss: withNan), Record(seed: 7, loss: withInfinity)).Metrics.Single(m => m.Name == "loss");
        Assert.Equal(10, loss.FirstDifferentStep);
        Assert.Equal(0, loss.MaxAbsoluteDifference);
    }

    private RunDiff Compare(string a, string b) => RunDiff.Compare(new RunStore(_home.Path), a, b);

    private static double[] Curve(double shift = 0) => Enumerable.Range(0, 100).Select(step => shift + (1.0 / (step + 1)) + (0.001 * Math.Sin(step))).ToArray();

    private string Record(long seed, double[] loss, int stepStride = 1, long[]? tokens = null, bool extraMetric = false)
    {
        using var run = Run.Start(new RunOptions { Home = _home.Path, Name = "diff", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        run.RecordSeed("torch.cpu", seed);
        run.RecordHyperparameters(new JsonConfiguration($"{{\"learning_rate\":0.01,\"seed\":{seed}}}"));
        for (var i = 0; i < loss.Length; i++)
        {
            run.LogScalar(s_loss, i * stepStride, loss[i]);
            if (i % 10 == 0)
            {
                run.LogScalar(s_accuracy, i, 0.5 + (i / 200.0));
            }
        }

        for (var i = 0; i < (tokens?.Length ?? 0); i++)
        {
            run.LogInteger(s_tokens, i, tokens![i]);
        }

        if (extraMetric)
        {
            run.LogScalar(new MetricDeclaration("extra"), 0, 1);
        }

        run.Finish();
        Thread.Sleep(2);
        return run.Id.ToString();
    }
}
