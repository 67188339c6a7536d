using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

public class TorchSeedingAnalyzerTests
{
    // Repro.TorchSharp's helper, declared here by its real name: the rule recognises it by metadata name.
    private const string ReproSeeds = """
        namespace Repro.TorchSharp.Seeding { public static class TorchSeeds { public static void ManualSeed(long seed) { } } }
        """;

    [Theory]
    [InlineData("var weights = torch.{|REPRO1008:randn(3, 3)|}; var v = torch.rand(3);")]
    [InlineData("var layer = nn.{|REPRO1008:Linear(3, 4)|};")]
    [InlineData("var y = F.{|REPRO1008:dropout(x, 0.5)|};")]
    [InlineData("x.{|REPRO1008:uniform_(0, 1)|};")]
    [InlineData("nn.init.{|REPRO1008:kaiming_uniform_(x)|};")]
    [InlineData("var p = {|REPRO1008:randperm(10)|};")]
    [InlineData("Func<Tensor, double, bool, bool, Tensor> drop = {|REPRO1008:F.dropout|};")]
    public Task Randomness_without_any_manual_seed_is_reported_once_at_the_first_draw(string statement) =>
        TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Theory]
    [InlineData("torch.manual_seed(seed); var weights = torch.randn(3, 3);")]
    [InlineData("torch.random.manual_seed(seed); var layer = nn.Linear(3, 4);")]
    [InlineData("Repro.TorchSharp.Seeding.TorchSeeds.ManualSeed(seed); var weights = torch.randn(3, 3);")]
    [InlineData("var g = new Generator(1UL, torch.CPU); var weights = torch.randn(new long[] { 3 }, generator: g);")]
    [InlineData("var weights = torch.zeros(3, 3); var pool = nn.MaxPool2d(2);")]
    public Task Seeded_or_deterministic_code_is_not_reported(string statement)
    {
        var test = TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.InMethod(statement));
        test.TestState.Sources.Add(ReproSeeds);
        return test.RunAsync();
    }

    [Theory]
    [InlineData("{|REPRO1009:torch.manual_seed(seed)|}; var t = torch.randn(3).cuda();")]
    [InlineData("{|REPRO1009:torch.random.manual_seed(seed)|}; var t = torch.randn(3).to(torch.CUDA);")]
    [InlineData("{|REPRO1009:torch.manual_seed(seed)|}; var d = torch.device(\"cuda:0\");")]
    [InlineData("{|REPRO1009:torch.manual_seed(seed)|}; var layer = nn.Linear(3, 4).to(DeviceType.CUDA);")]
    [InlineData("{|REPRO1009:torch.manual_seed(seed)|}; Device d = \"cuda\";")]
    public Task Cpu_only_seeding_in_cuda_code_is_reported(string statement) =>
        TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Theory]
    [InlineData("torch.manual_seed(seed); torch.cuda.manual_seed_all(seed); var t = torch.randn(3).cuda();")]
    // The current GPU's generator: what a single-GPU program needs.
    [InlineData("torch.manual_seed(seed); torch.cuda.manual_seed(seed); var t = torch.randn(3).cuda();")]
    [InlineData("Repro.TorchSharp.Seeding.TorchSeeds.ManualSeed(seed); var t = torch.randn(3).cuda();")]
    [InlineData("torch.manual_seed(seed); var t = torch.randn(3); Console.WriteLine(\"cuda\");")]
    public Task Code_that_seeds_cuda_or_never_uses_it_is_not_reported(string statement)
    {
        var test = TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.InMethod(statement));
        test.TestState.Sources.Add(ReproSeeds);
        return test.RunAsync();
    }

    [Fact]
    public Task A_declared_cuda_target_needs_cuda_seeding_without_seeing_cuda_in_code() =>
        TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(
            TorchAnalyzerTest.InMethod("{|REPRO1009:torch.manual_seed(seed)|}; var t = torch.randn(3);"), device: "cuda").RunAsync();

    [Fact]
    public Task A_declared_cpu_target_never_needs_cuda_seeding() =>
        TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(
            TorchAnalyzerTest.InMethod("torch.manual_seed(seed); var t = torch.randn(3).cuda();"), device: "cpu").RunAsync();

    [Fact]
    public Task The_seed_may_be_set_in_another_file_of_the_project()
    {
        var test = TorchAnalyzerTest.Create<TorchSeedingAnalyzer>(TorchAnalyzerTest.InMethod("var weights = torch.randn(3, 3);"));
        test.TestState.Sources.Add("static class Setup { public static void Seed() => TorchSharp.torch.manual_seed(1); }");
        return test.RunAsync();
    }
}
