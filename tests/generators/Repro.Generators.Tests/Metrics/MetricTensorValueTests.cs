using Microsoft.CodeAnalysis;
using Repro.Generators.Metrics;

namespace Repro.Generators.Tests.Metrics;

/// <summary>
/// [Metric] methods that take TorchSharp tensors. The compilation here holds stand-ins with TorchSharp's and
/// Repro.TorchSharp's names and shapes, so that the generator's choices can be checked without libtorch; the
/// Repro.TorchSharp tests run the generated code against the real ones.
/// </summary>
public class MetricTensorValueTests
{
    private const string TorchSharp = """
        namespace TorchSharp { public static class torch { public sealed class Tensor { } } }
        """;

    private const string ReproTorchSharp = """
        namespace Repro.TorchSharp.Metrics
        {
            public static class TensorMetrics
            {
                public static void Log(Repro.Run? run, Repro.MetricDeclaration metric, long step, global::TorchSharp.torch.Tensor value, Repro.TensorReduction reduction = Repro.TensorReduction.None) { }
            }
        }
        """;

    [Fact]
    public void A_tensor_value_is_logged_through_TensorMetrics_with_its_reduction_and_compiles()
    {
        var (output, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), TorchSharp, ReproTorchSharp, """
            using TorchSharp;

            namespace Training;

            internal sealed partial class TrainingMetrics
            {
                [Repro.Metric]
                public partial void LogLoss(long step, torch.Tensor loss);

                [Repro.Metric("grad_norm", Reduction = Repro.TensorReduction.Norm, Goal = Repro.MetricGoal.Minimize)]
                public partial void LogGradients(long step, torch.Tensor gradients);

                [Repro.Metric]
                public partial void LogAccuracy(long step, torch.Tensor top1, double top5);
            }
            """);

        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var sources = Assert.Single(result.Results).GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var loss = sources["Training.TrainingMetrics.LogLoss_Tensor.Metric.g.cs"];
        Assert.Contains("new global::Repro.MetricDeclaration(\"loss\");", loss, StringComparison.Ordinal);
        Assert.Contains("public partial void LogLoss(long step, global::TorchSharp.torch.Tensor loss)", loss, StringComparison.Ordinal);
        Assert.Contains("global::Repro.TorchSharp.Metrics.TensorMetrics.Log(global::Repro.Run.Current, __reproMetric_LogLoss_Tensor, step, loss);", loss, StringComparison.Ordinal);

        // The reduction is an argument, not a MetricOptions setting: the declaration keeps only what the run knows.
        var norm = sources["Training.TrainingMetrics.LogGradients_Tensor.Metric.g.cs"];
        Assert.Contains("options: new global::Repro.MetricOptions { Goal = global::Repro.MetricGoal.Minimize }", norm, StringComparison.Ordinal);
        Assert.Contains("TensorMetrics.Log(global::Repro.Run.Current, __reproMetric_LogGradients_Tensor, step, gradients, global::Repro.TensorReduction.Norm);", norm, StringComparison.Ordinal);

        var mixed = sources["Training.TrainingMetrics.LogAccuracy_Tensor_double.Metric.g.cs"];
        Assert.Contains("TensorMetrics.Log(run, __reproMetric_LogAccuracy_Tensor_double_top1, step, top1);", mixed, StringComparison.Ordinal);
        Assert.Contains("run.LogScalar(__reproMetric_LogAccuracy_Tensor_double_top5, step, top5);", mixed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_value_without_Repro_TorchSharp_says_which_package_to_add()
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), TorchSharp, """
            partial class M { [Repro.Metric] partial void LogLoss(long step, TorchSharp.torch.Tensor loss); }
            """);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("REPRO3003", diagnostic.Id);
        Assert.Contains("add a reference to the Repro.TorchSharp package", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Empty(result.Results[0].GeneratedSources);
    }

    [Theory]
    [InlineData("[Repro.Metric(Reduction = Repro.TensorReduction.Mean)] partial void LogLoss(long step, double loss);", "no value is a TorchSharp tensor")]
    [InlineData("[Repro.Metric(Reduction = Repro.TensorReduction.Mean, Aggregation = Repro.MetricAggregation.Histogram, HistogramBounds = new[] { 0.0, 1.0 }, RecordValues = false)] partial void LogWeights(long step, TorchSharp.torch.Tensor w);", "takes no Reduction")]
    [InlineData("[Repro.Metric(Reduction = (Repro.TensorReduction)9)] partial void LogLoss(long step, TorchSharp.torch.Tensor loss);", "not a TensorReduction")]
    public void A_reduction_that_cannot_apply_is_refused_at_compile_time(string method, string expected)
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), TorchSharp, ReproTorchSharp, "partial class M { " + method + " }");

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("REPRO3006", diagnostic.Id);
        Assert.Contains(expected, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_named_Tensor_elsewhere_is_not_taken_for_TorchSharps()
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), ReproTorchSharp, """
            namespace Other { public static class torch { public sealed class Tensor { } } }
            partial class M { [Repro.Metric] partial void LogLoss(long step, Other.torch.Tensor loss); }
            """);

        Assert.Equal("REPRO3003", Assert.Single(result.Diagnostics).Id);
    }
}
