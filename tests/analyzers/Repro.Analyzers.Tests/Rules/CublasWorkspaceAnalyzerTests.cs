using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

public class CublasWorkspaceAnalyzerTests
{
    [Theory]
    [InlineData("var t = torch.randn(3, 3).cuda(); var p = torch.{|REPRO2022:matmul(t, t)|}; var q = t.mm(t);")]
    [InlineData("var layer = nn.{|REPRO2022:Linear(3, 3)|}.to(torch.CUDA);")]
    public Task Matrix_products_in_cuda_code_are_reported_once(string statement) =>
        TorchAnalyzerTest.Create<CublasWorkspaceAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();

    [Fact]
    public Task A_declared_cuda_target_is_enough() =>
        TorchAnalyzerTest.Create<CublasWorkspaceAnalyzer>(TorchAnalyzerTest.InMethod("var y = x.{|REPRO2022:matmul(w)|};"), device: "cuda").RunAsync();

    [Theory]
    [InlineData("var y = x.matmul(w);", null)]
    [InlineData("var t = torch.randn(3, 3).cuda(); var p = torch.matmul(t, t);", "cpu")]
    public Task Cpu_code_is_not_reported(string statement, string? device) =>
        TorchAnalyzerTest.Create<CublasWorkspaceAnalyzer>(TorchAnalyzerTest.InMethod(statement), device).RunAsync();
}
