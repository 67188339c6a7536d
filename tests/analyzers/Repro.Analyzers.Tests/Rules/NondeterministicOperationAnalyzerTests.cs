using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

public class NondeterministicOperationAnalyzerTests
{
    [Theory]
    // index_add: instance, in place, static, using static, named arguments, method group.
    [InlineData("x.{|REPRO2001:index_add(0, index, src, 1)|};")]
    [InlineData("x.{|REPRO2001:index_add_(0, index, src, 1)|};")]
    [InlineData("torch.{|REPRO2001:index_add(x, 0, index, src, 1)|};")]
    [InlineData("{|REPRO2001:index_add(x, 0, index, src, 1)|};")]
    [InlineData("torch.{|REPRO2001:index_add(source: src, index: index, dim: 0, input: x, alpha: 1)|};")]
    [InlineData("Func<Tensor, long, Tensor, Tensor, Scalar, Tensor> add = {|REPRO2001:torch.index_add|};")]
    [InlineData("x.{|REPRO2002:scatter_add(0, index, src)|};")]
    [InlineData("torch.{|REPRO2002:scatter_add_(x, 0, index, src)|};")]
    [InlineData("x.{|REPRO2003:scatter_(0, index, src)|};")]
    [InlineData("torch.{|REPRO2003:scatter(x, 0, index, src)|};")]
    [InlineData("x.{|REPRO2004:index_put_(src, new[] { index })|};")]
    [InlineData("x.{|REPRO2004:index_put_(src, new[] { index }, accumulate: false)|};")]
    [InlineData("{|REPRO2005:x[index]|} = src;")]
    [InlineData("{|REPRO2005:x[TensorIndex.Tensor(index)]|} = src;")]
    [InlineData("x.{|REPRO2006:index_copy(0, index, src)|};")]
    [InlineData("{|REPRO2006:index_copy_(x, 0, index, src)|};")]
    [InlineData("x.{|REPRO2007:gather(1, index)|};")]
    [InlineData("torch.{|REPRO2007:index_select(x, 0, index)|};")]
    [InlineData("x.{|REPRO2007:repeat_interleave(2L)|};")]
    [InlineData("var conv = nn.{|REPRO2008:Conv2d(3, 16, 3)|};")]
    [InlineData("var conv = torch.nn.{|REPRO2008:ConvTranspose1d(3, 16, 3)|};")]
    [InlineData("F.{|REPRO2008:conv2d(x, w)|};")]
    [InlineData("var pad = nn.{|REPRO2009:ReflectionPad2d(1)|};")]
    [InlineData("var pad = nn.{|REPRO2009:ReplicationPad3d(1)|};")]
    [InlineData("F.{|REPRO2009:pad(x, new long[] { 1, 1 }, PaddingModes.Reflect)|};")]
    [InlineData("F.{|REPRO2009:pad(x, new long[] { 1, 1 }, mode: PaddingModes.Replicate)|};")]
    [InlineData("var mode = PaddingModes.Constant; F.{|REPRO2009:pad(x, new long[] { 1, 1 }, mode)|};")]
    [InlineData("var pool = nn.{|REPRO2010:AdaptiveAvgPool2d(1)|};")]
    [InlineData("F.{|REPRO2010:adaptive_avg_pool2d(x, 1)|};")]
    [InlineData("var pool = nn.{|REPRO2010:MaxPool3d(2)|};")]
    [InlineData("var unpool = nn.{|REPRO2011:MaxUnpool2d(2)|};")]
    [InlineData("F.{|REPRO2011:max_unpool1d(x, index, 2)|};")]
    [InlineData("F.{|REPRO2012:interpolate(x, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear)|};")]
    [InlineData("var up = nn.{|REPRO2012:Upsample(scale_factor: new[] { 2.0 }, mode: UpsampleMode.Bicubic)|};")]
    [InlineData("F.{|REPRO2012:upsample_bilinear(x, scale_factor: new[] { 2.0 })|};")]
    [InlineData("F.{|REPRO2013:grid_sample(x, src)|};")]
    // Per-pixel NLL: the file upsamples back to image size, so the loss's input is spatial.
    [InlineData("var up = nn.Upsample(scale_factor: new[] { 2.0 }); var loss = nn.{|REPRO2014:NLLLoss()|};")]
    [InlineData("var up = F.interpolate(x, scale_factor: new[] { 2.0 }); F.{|REPRO2014:nll_loss(x, index, reduction: nn.Reduction.Sum)|};")]
    [InlineData("var loss = nn.{|REPRO2015:CTCLoss()|};")]
    [InlineData("F.{|REPRO2015:ctc_loss(x, index, src, w)|};")]
    [InlineData("var bag = nn.{|REPRO2016:EmbeddingBag(10, 4, mode: EmbeddingBagMode.Max)|};")]
    [InlineData("x.{|REPRO2017:histc()|};")]
    [InlineData("torch.{|REPRO2017:histc(x, bins: 10)|};")]
    [InlineData("torch.{|REPRO2018:bincount(index, src)|};")]
    [InlineData("index.{|REPRO2018:bincount(weights: src)|};")]
    [InlineData("x.{|REPRO2019:kthvalue(2, 0)|};")]
    [InlineData("torch.{|REPRO2019:kthvalue(x, 2, 0)|};")]
    [InlineData("x.{|REPRO2020:cumsum(0)|};")]
    [InlineData("F.{|REPRO2021:scaled_dot_product_attention(x, x, x)|};")]
    public Task Nondeterministic_operations_are_reported(string statement) =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Theory]
    [InlineData("x[0] = src;")]
    [InlineData("x[TensorIndex.Slice(0, 2)] = src;")]
    [InlineData("var copy = x[index];")]
    [InlineData("F.pad(x, new long[] { 1, 1 });")]
    [InlineData("F.pad(x, new long[] { 1, 1 }, PaddingModes.Constant);")]
    [InlineData("F.interpolate(x, scale_factor: new[] { 2.0 });")]
    [InlineData("F.interpolate(x, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Nearest);")]
    [InlineData("var up = nn.Upsample(scale_factor: new[] { 2.0 });")]
    [InlineData("var loss = nn.NLLLoss(reduction: nn.Reduction.None);")]
    // A classifier's NLL loss on (N, C) input: nothing in the file produces per-pixel output.
    [InlineData("var pool = nn.MaxPool2d(2); var head = nn.Linear(8, 10); var loss = nn.NLLLoss();")]
    [InlineData("F.nll_loss(F.log_softmax(x, 1), index);")]
    [InlineData("var bag = nn.EmbeddingBag(10, 4, mode: EmbeddingBagMode.Mean);")]
    [InlineData("torch.bincount(index);")]
    [InlineData("torch.bincount(index, null);")]
    [InlineData("var pool = nn.AvgPool2d(2); var maxPool = nn.MaxPool2d(2);")]
    [InlineData("x.add(src); torch.matmul(x, w); x.sum();")]
    [InlineData("Func<Tensor, long[], PaddingModes, double, Tensor> pad = F.pad;")]
    public Task Deterministic_forms_are_not_reported(string statement) =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Theory]
    [InlineData("x.index_add(0, index, src, 1);")]
    [InlineData("var conv = nn.Conv2d(3, 16, 3);")]
    [InlineData("F.interpolate(x, scale_factor: new[] { 2.0 }, mode: InterpolationMode.Bilinear);")]
    [InlineData("x.cumsum(0);")]
    [InlineData("x.index_put_(src, new[] { index }, accumulate: false) ; x.index_copy(0, index, src).Dispose(); x.Dispose();")]
    public Task Cuda_rules_are_silent_when_the_code_runs_on_cpu(string statement)
    {
        // index_put_ without accumulation and index_copy stay nondeterministic on CPU: they must still be reported.
        var expectsCpuRules = statement.Contains("index_put_", StringComparison.Ordinal);
        var source = expectsCpuRules
            ? TorchAnalyzerTest.InMethod("x.{|REPRO2004:index_put_(src, new[] { index }, accumulate: false)|}; x.{|REPRO2006:index_copy(0, index, src)|}.Dispose(); x.Dispose();")
            : TorchAnalyzerTest.InMethod(statement);
        return TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(source, device: "cpu").RunAsync();
    }

    [Fact]
    public Task Cpu_only_accumulation_is_silent_on_cuda_and_reported_on_cpu() => Task.WhenAll(
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(
            TorchAnalyzerTest.InMethod("x.index_put_(src, new[] { index }, accumulate: true);"), device: "cuda").RunAsync(),
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(
            TorchAnalyzerTest.InMethod("x.{|REPRO2004:index_put_(src, new[] { index }, accumulate: true)|};"), device: "cpu").RunAsync());

    [Fact]
    public Task A_reflection_padded_convolution_is_both_a_convolution_and_a_padding_problem()
    {
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(
            TorchAnalyzerTest.InMethod("var conv = nn.{|#0:Conv2d(3, 16, 3, padding_mode: PaddingModes.Reflect)|};"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("REPRO2008", DiagnosticSeverity.Info).WithLocation(0).WithArguments("nn.Conv2d", "CUDA"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("REPRO2009", DiagnosticSeverity.Warning).WithLocation(0).WithArguments("nn.Conv2d", "CUDA"));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("cpu", "x.index_add(0, index, src, 1);")]
    [InlineData("cuda", "x.{|REPRO2001:index_add(0, index, src, 1)|};")]
    public Task The_msbuild_property_declares_the_device_when_editorconfig_does_not(string device, string statement)
    {
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod(statement));
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", $"is_global = true\nbuild_property.ReproTargetDevice = {device}\n"));
        return test.RunAsync();
    }

    [Fact]
    public Task Editorconfig_wins_over_the_msbuild_property()
    {
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod("x.{|REPRO2001:index_add(0, index, src, 1)|};"), device: "cuda");
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.ReproTargetDevice = cpu\n"));
        return test.RunAsync();
    }

    [Fact]
    public Task A_severity_of_none_silences_a_rule()
    {
        var test = TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.InMethod("x.index_add(0, index, src, 1);"));
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*]\ndotnet_diagnostic.REPRO2001.severity = none\n"));
        return test.RunAsync();
    }

    [Fact]
    public void Every_row_has_its_own_id_a_docs_link_and_a_message_that_names_the_member_and_device()
    {
        var descriptors = new NondeterministicOperationAnalyzer().SupportedDiagnostics;

        Assert.Equal(21, descriptors.Length);
        Assert.Equal(descriptors.Length, descriptors.Select(d => d.Id).Distinct().Count());
        Assert.All(descriptors, d =>
        {
            Assert.EndsWith($"docs/rules/{d.Id}.md", d.HelpLinkUri, StringComparison.Ordinal);
            Assert.Equal("Reproducibility.Operations", d.Category);
            if (d.Id != "REPRO2005")
            {
                Assert.Contains("{0}", d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
                Assert.Contains("{1}", d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }
        });
    }
}
