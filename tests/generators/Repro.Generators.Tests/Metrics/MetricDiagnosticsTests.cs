using Microsoft.CodeAnalysis;
using Repro.Generators.Metrics;

namespace Repro.Generators.Tests.Metrics;

public class MetricDiagnosticsTests
{
    [Theory]
    [InlineData("class M { [Repro.Metric] partial void LogLoss(long s, double v); }", "REPRO3001")]
    [InlineData("partial class M { [Repro.Metric] public void LogLoss(long s, double v) { } }", "REPRO3001")]
    [InlineData("partial class M { [Repro.Metric] public partial int LogLoss(long s, double v); }", "REPRO3002")]
    [InlineData("partial class M { [Repro.Metric] partial void LogLoss(int s, double v); }", "REPRO3003")]
    [InlineData("partial class M { [Repro.Metric] partial void LogLoss(long s, decimal v); }", "REPRO3003")]
    [InlineData("partial class M { [Repro.Metric] partial void LogLoss(long s); }", "REPRO3003")]
    [InlineData("partial class M { [Repro.Metric] partial void LogLoss(long s, ref double v); }", "REPRO3003")]
    [InlineData("partial class M { [Repro.Metric(\"train loss\")] partial void LogLoss(long s, double v); }", "REPRO3004")]
    [InlineData("partial class M { [Repro.Metric(\"\")] partial void LogLoss(long s, double v); }", "REPRO3004")]
    [InlineData("partial class M { [Repro.Metric(EveryNSteps = 0)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(RecordValues = false)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(Aggregation = Repro.MetricAggregation.Histogram)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(Aggregation = Repro.MetricAggregation.Histogram, HistogramBounds = new[] { 1.0, 0.5 })] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(HistogramBounds = new[] { 1.0 })] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(Tags = new[] { \"phase\" })] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(Tags = new[] { \"bad key=x\" })] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(Tags = new[] { \"a=1\", \"a=2\" })] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric] partial void LogLoss(long s, double v, string note); }", "REPRO3003")]
    [InlineData("partial class M { [Repro.Metric(AlertAbove = double.PositiveInfinity)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(AlertAbove = 1, AlertBelow = 2)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(AlertSpikeSigmas = -1)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(AlertSpikeSigmas = 3, AlertSpikeWindow = 2)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(AlertSpikeWindow = 50)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    [InlineData("partial class M { [Repro.Metric(AlertStallSeconds = 0)] partial void LogLoss(long s, double v); }", "REPRO3006")]
    public void Each_mistake_gets_its_diagnostic_and_no_code(string source, string id)
    {
        var (_, diagnostics, result) = GeneratorHarness.Run(new MetricGenerator(), source);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        // Diagnostics travel the pipeline as plain data, so they come back as file locations.
        Assert.NotEqual(Location.None, diagnostic.Location);
        Assert.Equal(0, diagnostic.Location.GetLineSpan().StartLinePosition.Line);
        Assert.True(diagnostic.Location.SourceSpan.Length > 0);
        Assert.EndsWith($"docs/rules/{id}.md", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Empty(result.Results[0].GeneratedSources);
        Assert.Contains(diagnostics, d => d.Id == id);
    }

    [Fact]
    public void The_same_metric_name_twice_is_a_warning_at_the_second_declaration()
    {
        var (_, _, result) = GeneratorHarness.Run(new MetricGenerator(), """
            partial class A { [Repro.Metric] partial void LogLoss(long s, double v); }
            partial class B { [Repro.Metric("loss")] partial void LogTrainingLoss(long s, double v); }
            """);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("REPRO3005", DiagnosticSeverity.Warning), (diagnostic.Id, diagnostic.Severity));
        Assert.Contains("A.LogLoss", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(2, result.Results[0].GeneratedSources.Length);
    }

    [Fact]
    public void Every_diagnostic_id_has_a_documentation_page()
    {
        var ids = typeof(MetricDiagnostics).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id).ToList();
        var docs = Path.Combine(Repro.Tests.Shared.RepoPaths.Root, "docs", "rules");

        Assert.Equal(6, ids.Count);
        Assert.All(ids, id => Assert.True(File.Exists(Path.Combine(docs, id + ".md")), $"docs/rules/{id}.md is missing"));
    }
}
