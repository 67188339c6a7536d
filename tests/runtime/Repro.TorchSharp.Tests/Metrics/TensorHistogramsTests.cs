using Repro.Events;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.TorchSharp.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Metrics;

/// <summary>
/// A tensor's histogram counted by libtorch must be the histogram Repro counts when every element is logged as a
/// scalar: same buckets at the bounds, same NaN count, same place in the log.
/// </summary>
public class TensorHistogramsTests
{
    private static readonly double[] s_bounds = [-1, -0.25, 0, 0.25, 1];

    [Fact]
    public void Counts_equal_logging_every_element_including_values_on_the_bounds_NaN_and_infinities()
    {
        var random = new Random(20261206);
        var elements = Enumerable.Range(0, 4992).Select(_ => (float)((random.NextDouble() * 3) - 1.5)).ToList();
        elements.AddRange([-1f, -0.25f, 0f, -0f, 0.25f, 1f, float.NaN, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e-45f, -1e-45f, float.MaxValue]);
        var byTensor = new MetricDeclaration("weights/tensor", options: Histogram());
        var byScalars = new MetricDeclaration("weights/scalars", options: Histogram());
        using var home = new TemporaryDirectory();
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false }))
        {
            runId = run.Id.ToString();
            Assert.Equal(0, elements.Count % 13);
            using var values = tensor(elements.ToArray(), [elements.Count / 13, 13]);
            run.LogHistogram(byTensor, 50, values);
            foreach (var element in elements)
            {
                run.LogScalar(byScalars, 50, element);
            }
        }

        var histograms = new RunStore(home.Path).ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Histogram).ToList();
        var fromTensor = histograms.Single(e => e.Name == "weights/tensor").Histogram;
        var fromScalars = histograms.Last(e => e.Name == "weights/scalars").Histogram;

        Assert.Equal(s_bounds, fromTensor.Bounds);
        Assert.Equal(string.Join(",", fromScalars.Counts), string.Join(",", fromTensor.Counts));
        Assert.Equal(2ul, fromTensor.NanCount);
        Assert.Equal(fromScalars.NanCount, fromTensor.NanCount);
        Assert.Equal((ulong)elements.Count - 2, fromTensor.Counts.Aggregate(0ul, (a, c) => a + c));
        Assert.Equal(50, fromTensor.FirstStep);
        Assert.Equal(50, fromTensor.LastStep);
    }

    [Fact]
    public void A_gradient_is_counted_without_being_changed()
    {
        var metric = new MetricDeclaration("grads/fc", options: Histogram());
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false });
        random.manual_seed(3);
        using var layer = nn.Linear(8, 4);
        using var input = randn(16, 8);
        using var loss = layer.call(input).pow(2).mean();
        loss.backward();
        var before = layer.weight!.grad!.data<float>().ToArray();

        run.LogHistogram(metric, 1, layer.weight.grad);

        Assert.Equal(before, layer.weight.grad.data<float>().ToArray());
        Assert.False(layer.weight.grad.requires_grad);
    }

    [Fact]
    public void A_metric_without_histogram_bounds_or_an_integer_tensor_is_refused_clearly()
    {
        using var home = new TemporaryDirectory();
        using var run = Run.Start(new RunOptions { Home = home.Path, HookProcessEvents = false });
        using var floats = ones(3);
        using var integers = ones(3, ScalarType.Int64);

        var plain = Assert.Throws<ArgumentException>(() => run.LogHistogram(new MetricDeclaration("plain"), 0, floats));
        var integer = Assert.Throws<ArgumentException>(() => run.LogHistogram(new MetricDeclaration("ints", options: Histogram()), 0, integers));

        Assert.Contains("Aggregation = Histogram", plain.Message, StringComparison.Ordinal);
        Assert.Contains("floating-point", integer.Message, StringComparison.Ordinal);
    }

    private static MetricOptions Histogram() => new() { Aggregation = MetricAggregation.Histogram, HistogramBounds = s_bounds, RecordValues = false, IntervalSteps = 50 };
}
