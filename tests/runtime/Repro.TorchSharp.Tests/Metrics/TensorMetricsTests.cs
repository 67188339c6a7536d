using System.Collections.Concurrent;
using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.TorchSharp.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Metrics;

/// <summary>
/// [Metric] methods that take tensors, through the generated code: the recorded numbers are item()'s bit for bit,
/// in the order logged, and on the deferred path (a GPU's, forced here on the CPU) the logging thread never reads
/// a tensor back or waits for a device — every such call is made on the run's resolver thread.
/// </summary>
public sealed partial class TensorMetricsTests : IDisposable
{
    private static readonly double[] s_bounds = [-1, 0, 1];

    [Repro.Metric("tm/loss")]
    private partial void LogLoss(long step, Tensor loss);

    [Repro.Metric("tm/grad_norm", Reduction = TensorReduction.Norm)]
    private partial void LogGradientNorm(long step, Tensor gradients);

    [Repro.Metric("tm/reduced", Reduction = TensorReduction.Mean)]
    private partial void LogMean(long step, Tensor values);

    [Repro.Metric("tm/every10", EveryNSteps = 10)]
    private partial void LogSampled(long step, Tensor value);

    [Repro.Metric("tm/weights", Aggregation = MetricAggregation.Histogram, HistogramBounds = [-1.0, 0.0, 1.0], RecordValues = false, IntervalSteps = 1000)]
    private partial void LogWeights(long step, Tensor weights);

    public void Dispose()
    {
        TensorMetrics.DeferOnCpu = false;
        TensorMetrics.HostRead = null;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Values_are_items_bit_for_bit_in_the_order_logged(bool deferred)
    {
        TensorMetrics.DeferOnCpu = deferred;
        var random = new Random(20261206);
        var floats = Enumerable.Range(0, 500).Select(_ => (float)(random.NextDouble() * 4)).ToList();
        floats.AddRange([float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)), float.PositiveInfinity, float.NegativeInfinity, -0f, 0f, 1e-45f, -1e-45f, float.MaxValue, float.Epsilon]);
        var expected = new List<double>();
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < floats.Count; step++)
            {
                using var loss = tensor(floats[step]);
                expected.Add(loss.item<float>());
                LogLoss(step, loss);
            }
        }

        var recorded = Scalars(home.Path, runId, "tm/loss");
        Assert.Equal(Enumerable.Range(0, floats.Count).Select(s => (long)s), recorded.Select(e => e.Step));
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), recorded.Select(e => BitConverter.DoubleToInt64Bits(e.Scalar.Value)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_dtype_and_reduction_gives_what_item_of_the_same_operation_gives(bool deferred)
    {
        TensorMetrics.DeferOnCpu = deferred;
        torch.random.manual_seed(17);
        using var floats = randn(7, 5);
        using var doubles = randn(4, 3, ScalarType.Float64);
        using var halves = randn(9).to_type(ScalarType.Float16);
        using var brains = randn(9).to_type(ScalarType.BFloat16);
        using var integers = randint(-50, 50, [6, 6], ScalarType.Int32);
        var cases = new (TensorReduction Reduction, Tensor Value, double Expected)[]
        {
            (TensorReduction.Mean, floats, floats.mean().item<float>()),
            (TensorReduction.Sum, floats, floats.sum().item<float>()),
            (TensorReduction.Norm, floats, floats.norm().item<float>()),
            (TensorReduction.Min, floats, floats.min().item<float>()),
            (TensorReduction.Max, floats, floats.max().item<float>()),
            (TensorReduction.Mean, doubles, doubles.mean().item<double>()),
            (TensorReduction.Norm, doubles, doubles.norm().item<double>()),
            (TensorReduction.Mean, halves, (double)halves.mean().item<Half>()),
            (TensorReduction.Max, brains, brains.max().to_type(ScalarType.Float32).item<float>()),
            (TensorReduction.Sum, integers, integers.sum().item<long>()),
            (TensorReduction.Min, integers, integers.min().item<int>()),
            (TensorReduction.Mean, integers, integers.to_type(ScalarType.Float64).mean().item<double>()),
            (TensorReduction.None, floats[2, 3], floats[2, 3].item<float>()),
        };
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < cases.Length; i++)
            {
                TensorMetrics.Log(run, new MetricDeclaration($"case/{i}"), i, cases[i].Value, cases[i].Reduction);
            }
        }

        var events = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar && e.Name.StartsWith("case/", StringComparison.Ordinal)).ToList();
        Assert.Equal(cases.Length, events.Count);
        for (var i = 0; i < cases.Length; i++)
        {
            var recorded = events.Single(e => e.Name == $"case/{i}");
            Assert.True(BitConverter.DoubleToInt64Bits(cases[i].Expected) == BitConverter.DoubleToInt64Bits(recorded.Scalar.Value), $"case {i} ({cases[i].Reduction} of {cases[i].Value.dtype}): expected {cases[i].Expected:R}, recorded {recorded.Scalar.Value:R}");
        }
    }

    [Fact]
    public void On_the_deferred_path_the_logging_thread_never_reads_a_tensor_or_waits_for_a_device()
    {
        TensorMetrics.DeferOnCpu = true;
        var reads = new ConcurrentBag<(int Thread, string Operation)>();
        TensorMetrics.HostRead = operation => reads.Add((Environment.CurrentManagedThreadId, operation));
        var loggingThread = Environment.CurrentManagedThreadId;
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
        torch.random.manual_seed(5);
        using var weights = randn(32, 32);
        for (var step = 0; step < 200; step++)
        {
            using var loss = tensor(1.0f / (step + 1));
            LogLoss(step, loss);
            LogGradientNorm(step, weights);
            if (step % 50 == 0)
            {
                LogWeights(step, weights);
            }
        }

        Assert.True(run.Flush());

        Assert.Equal(404, reads.Count(r => r.Operation == "item"));
        Assert.DoesNotContain(reads, r => r.Thread == loggingThread);
    }

    [Fact]
    public void A_tensor_changed_in_place_after_logging_is_recorded_as_it_was_when_logged()
    {
        TensorMetrics.DeferOnCpu = true;
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            using var running = zeros(1);
            for (var step = 0; step < 50; step++)
            {
                running.add_(1); // an accumulator the program keeps updating, as a running loss sum is
                LogLoss(step, running);
            }
        }

        Assert.Equal(Enumerable.Range(1, 50).Select(v => (double)v), Scalars(home.Path, runId, "tm/loss").Select(e => e.Scalar.Value));
    }

    [Fact]
    public void Values_pending_at_the_end_are_recorded_before_the_runs_last_event()
    {
        TensorMetrics.DeferOnCpu = true;
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 1000; step++)
            {
                using var loss = tensor((float)step);
                LogLoss(step, loss);
            }
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Equal(1000, events.Count(e => e.Name == "tm/loss" && e.ValueCase == Event.ValueOneofCase.Scalar));
        Assert.Equal(Event.ValueOneofCase.Lifecycle, events[^1].ValueCase);
        Assert.DoesNotContain(events, e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message.Contains("still being computed", StringComparison.Ordinal));
    }

    [Fact]
    public void Values_that_fail_to_resolve_are_counted_in_the_run_and_never_thrown_into_the_program()
    {
        TensorMetrics.DeferOnCpu = true;
        var reads = 0;
        // A device error stand-in, raised where the resolver reads a value (every third read fails).
        TensorMetrics.HostRead = operation =>
        {
            if (operation == "item" && Interlocked.Increment(ref reads) % 3 == 0)
            {
                throw new InvalidDataException("simulated device failure");
            }
        };
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 30; step++)
            {
                using var loss = tensor((float)step);
                LogLoss(step, loss);
            }

            Assert.True(run.Flush());
            using var after = tensor(99f);
            LogLoss(30, after); // the resolver survived the failures
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Equal(21, events.Count(e => e.Name == "tm/loss" && e.ValueCase == Event.ValueOneofCase.Scalar));
        var warning = Assert.Single(events, e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Message.Contains("still being computed", StringComparison.Ordinal));
        Assert.StartsWith("10 logged metric value(s)", warning.Text.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sampled_steps_histograms_and_gradients_behave_as_for_plain_values()
    {
        TensorMetrics.DeferOnCpu = true;
        using var home = new TemporaryDirectory();
        string runId;
        var weights = new[] { -2f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, float.NaN };
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            for (var step = 0; step < 35; step++)
            {
                using var value = tensor((float)step);
                LogSampled(step, value);
            }

            using var parameters = tensor(weights, requires_grad: true);
            using var loss = parameters.nan_to_num().pow(2).sum();
            LogLoss(0, loss); // logged before backward: the graph must stay usable
            loss.backward();
            LogWeights(7, parameters);
            Assert.NotNull(parameters.grad);
        }

        var events = new RunStore(home.Path).ReadEvents(runId).ToList();
        Assert.Equal([0L, 10, 20, 30], events.Where(e => e.Name == "tm/every10" && e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step));
        var histogram = events.Single(e => e.Name == "tm/weights" && e.ValueCase == Event.ValueOneofCase.Histogram).Histogram;
        Assert.Equal(s_bounds, histogram.Bounds);
        // Buckets: below -1 | [-1, 0) | [0, 1) | 1 and above; NaN apart.
        Assert.Equal([1ul, 2, 2, 2], histogram.Counts);
        Assert.Equal(1ul, histogram.NanCount);
        Assert.Equal(7, histogram.FirstStep);
    }

    [Fact]
    public void Tensors_that_do_not_fit_the_metric_are_refused_with_the_reason()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero });
        using var matrix = ones(3, 4);
        using var empty = zeros(0);
        using var complexValue = ones(1, ScalarType.ComplexFloat32);
        var integer = new MetricDeclaration("tm/int", valueType: MetricValueType.Int64);

        var noReduction = Assert.Throws<ArgumentException>(() => LogLoss(1, matrix));
        var emptyMean = Assert.Throws<ArgumentException>(() => LogMean(1, empty));
        var complexLoss = Assert.Throws<ArgumentException>(() => LogLoss(1, complexValue));
        var floatForInteger = Assert.Throws<ArgumentException>(() => TensorMetrics.Log(run, integer, 1, matrix, TensorReduction.Sum));
        var histogramReduced = Assert.Throws<ArgumentException>(() => TensorMetrics.Log(run, new MetricDeclaration("tm/h", options: new MetricOptions { Aggregation = MetricAggregation.Histogram, HistogramBounds = s_bounds }), 1, matrix, TensorReduction.Mean));

        Assert.Contains("shape [3, 4]; declare a Reduction", noReduction.Message, StringComparison.Ordinal);
        Assert.Contains("empty tensor", emptyMean.Message, StringComparison.Ordinal);
        Assert.Contains("real numbers", complexLoss.Message, StringComparison.Ordinal);
        Assert.Contains("declared as an integer", floatForInteger.Message, StringComparison.Ordinal);
        Assert.Contains("takes no reduction", histogramReduced.Message, StringComparison.Ordinal);
        run.Finish();
        using var late = tensor(1f);
        Assert.Throws<InvalidOperationException>(() => TensorMetrics.Log(run, new MetricDeclaration("tm/late"), 2, late));
    }

    [Fact]
    public void Integer_tensors_into_an_integer_metric_are_exact_beyond_two_to_the_53()
    {
        using var home = new TemporaryDirectory();
        string runId;
        var metric = new MetricDeclaration("tm/tokens", valueType: MetricValueType.Int64);
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            using var tokens = tensor(new[] { long.MaxValue - 1, 1L });
            TensorMetrics.Log(run, metric, 1, tokens, TensorReduction.Sum);
        }

        Assert.Equal(long.MaxValue, Assert.Single(Scalars(home.Path, runId, "tm/tokens")).Scalar.IntValue);
    }

    private static List<Event> Scalars(string home, string runId, string name) =>
        new RunStore(home).ReadEvents(runId).Where(e => e.Name == name && e.ValueCase == Event.ValueOneofCase.Scalar).ToList();
}
