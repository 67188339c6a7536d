using Microsoft.CodeAnalysis;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>
/// Hazards of the backward pass (pooling, padding, interpolation, attention, gather and index_select) apply only
/// to code that trains: a project with a backward pass, or one that says it trains. Inference code and test
/// projects stay quiet about them, and still hear about operations nondeterministic in the forward pass.
/// </summary>
public class CodeKindTests
{
    private const string Inference = TorchAnalyzerTest.Usings + """
        sealed class Segmenter
        {
            private readonly nn.Module<Tensor, Tensor> _pool = nn.AdaptiveAvgPool2d(1);

            public Tensor Predict(Tensor image, Tensor classes)
            {
                var features = F.interpolate(image, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear);
                var padded = F.pad(features, new long[] { 1, 1, 1, 1 }, PaddingModes.Reflect);
                var scores = _pool.call(padded).gather(1, classes);
                return scores.index_add(0, classes, scores, 1);
            }
        }
        """;

    [Fact]
    public Task Inference_code_hears_only_about_forward_hazards() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Mark(Inference, backward: false), codeKind: null).RunAsync();

    [Fact]
    public Task A_backward_pass_anywhere_in_the_project_makes_it_training_code() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Mark(Inference, backward: true) + """

            static class Training
            {
                public static void Step(Tensor loss) => loss.backward();
            }
            """, codeKind: null).RunAsync();

    [Fact]
    public Task A_test_project_is_quiet_about_backward_hazards_even_when_it_runs_backward()
    {
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Mark(Inference, backward: false) + """

            public class SegmenterTests
            {
                [Xunit.Fact]
                public void Gradients_flow() => torch.ones(3).requires_grad_().sum().backward();
            }
            """, codeKind: null);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("repro_code_kind = training", true)]
    [InlineData("repro_code_kind = Training ", true)]
    [InlineData("repro_code_kind = inference", false)]
    [InlineData("repro_code_kind = test", false)]
    [InlineData("repro_code_kind = trainnig", true)]
    public Task Editorconfig_declares_the_kind_over_what_the_project_looks_like(string setting, bool trains)
    {
        // The project has no backward pass, so only the declaration can make it training code.
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Mark(Inference, trains), codeKind: null);
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*]\n{setting}\n"));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("inference", false)]
    [InlineData("training", true)]
    public Task The_msbuild_property_declares_the_kind_for_the_project(string kind, bool trains) =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(Mark(Inference, trains), codeKind: kind).RunAsync();

    /// <summary>The inference program with its forward hazard marked, and its backward hazards when they apply.</summary>
    private static string Mark(string source, bool backward)
    {
        source = source.Replace("return scores.index_add(0, classes, scores, 1);", "return scores.{|REPRO2001:index_add(0, classes, scores, 1)|};", StringComparison.Ordinal);
        if (!backward)
        {
            return source;
        }

        return source
            .Replace("nn.AdaptiveAvgPool2d(1)", "nn.{|REPRO2010:AdaptiveAvgPool2d(1)|}", StringComparison.Ordinal)
            .Replace("F.interpolate(image, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear)", "F.{|REPRO2012:interpolate(image, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear)|}", StringComparison.Ordinal)
            .Replace("F.pad(features, new long[] { 1, 1, 1, 1 }, PaddingModes.Reflect)", "F.{|REPRO2009:pad(features, new long[] { 1, 1, 1, 1 }, PaddingModes.Reflect)|}", StringComparison.Ordinal)
            .Replace(".gather(1, classes)", ".{|REPRO2007:gather(1, classes)|}", StringComparison.Ordinal);
    }
}
