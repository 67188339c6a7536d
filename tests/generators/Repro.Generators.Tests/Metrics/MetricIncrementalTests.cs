using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Repro.Generators.Metrics;

namespace Repro.Generators.Tests.Metrics;

public class MetricIncrementalTests
{
    private const string MetricsSource = """
        namespace Training;
        partial class Metrics { [Repro.Metric] partial void LogLoss(long step, double value); }
        """;

    [Fact]
    public void An_unrelated_edit_leaves_the_parsed_metrics_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(MetricsSource, "class Other { int X => 1; }");
        var driver = GeneratorHarness.CreateDriver(new MetricGenerator()).RunGenerators(compilation);

        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From("class Other { int X => 2; }")));
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        var reasons = result.TrackedSteps[MetricGenerator.TrackingNames.MetricMethods].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
    }

    [Fact]
    public void Changing_the_metric_name_modifies_the_output()
    {
        var compilation = GeneratorHarness.CreateCompilation(MetricsSource);
        var driver = GeneratorHarness.CreateDriver(new MetricGenerator()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var renamed = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(MetricsSource.Replace("[Repro.Metric]", "[Repro.Metric(\"nll\")]", StringComparison.Ordinal), (CSharpParseOptions)tree.Options));
        var result = driver.RunGenerators(renamed).GetRunResult().Results[0];

        var reasons = result.TrackedSteps[MetricGenerator.TrackingNames.MetricMethods].SelectMany(s => s.Outputs).Select(o => o.Reason);
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
    }

    [Fact]
    public void Changing_an_option_modifies_the_output_and_leaves_other_methods_cached()
    {
        const string Two = """
            namespace Training;
            partial class Metrics { [Repro.Metric] partial void LogLoss(long step, double value); }
            partial class Other { [Repro.Metric] partial void LogLr(long step, double value); }
            """;
        var compilation = GeneratorHarness.CreateCompilation(Two);
        var driver = GeneratorHarness.CreateDriver(new MetricGenerator()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = Two.Replace("[Repro.Metric] partial void LogLoss", "[Repro.Metric(EveryNSteps = 10)] partial void LogLoss", StringComparison.Ordinal);
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(edited, (CSharpParseOptions)tree.Options))).GetRunResult().Results[0];

        // Both methods are re-parsed (their file changed), but only the edited one's model differs.
        var reasons = result.TrackedSteps[MetricGenerator.TrackingNames.MetricModels].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached));
        Assert.Contains("EveryNSteps = 10", result.GeneratedSources.Single(s => s.HintName.Contains("LogLoss", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_step_output_holds_compiler_objects()
    {
        var compilation = GeneratorHarness.CreateCompilation(MetricsSource);
        var result = GeneratorHarness.CreateDriver(new MetricGenerator()).RunGenerators(compilation).GetRunResult().Results[0];

        // Roslyn tracks its own input steps (which do hold the compilation); ours are the named ones.
        var ours = typeof(MetricGenerator.TrackingNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var steps = result.TrackedSteps.Where(s => ours.Contains(s.Key)).ToList();
        Assert.Equal(ours.Count, steps.Count);
        foreach (var output in steps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            AssertHoldsNoCompilerObjects(output.Value, depth: 0);
        }
    }

    private static void AssertHoldsNoCompilerObjects(object? value, int depth)
    {
        if (value is null || depth > 6 || value is string || value.GetType().IsPrimitive)
        {
            return;
        }

        Assert.False(value is Compilation or ISymbol or SyntaxNode or SemanticModel, $"A step output holds a {value.GetType().Name}, which defeats caching.");
        if (value is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                AssertHoldsNoCompilerObjects(item, depth + 1);
            }
        }

        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertHoldsNoCompilerObjects(property.GetValue(value), depth + 1);
        }
    }
}
