using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>REPRO1010 (unseeded shuffle) and REPRO1011 (random draws raced by several workers).</summary>
public class DataLoaderRulesTests
{
    private const string Datasets = """
        class Points : torch.utils.data.Dataset
        {
            public override long Count => 100;
            public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = torch.tensor(index) };
        }

        class JitteredPoints : torch.utils.data.Dataset
        {
            private readonly Random _random = new(3);
            public override long Count => 100;
            public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = torch.tensor(index + _random.NextDouble()) };
        }

        class NoisyPoints : Points
        {
            public override Dictionary<string, Tensor> GetTensor(long index) => new() { ["x"] = torch.rand(2) };
        }
        """;

    [Theory]
    [InlineData("var loader = {|REPRO1010:torch.utils.data.DataLoader(new Points(), 32, shuffle: true)|};")]
    [InlineData("var loader = {|REPRO1010:torch.utils.data.DataLoader(new Points(), 32, true)|};")]
    [InlineData("var loader = {|REPRO1010:torch.utils.data.DataLoader(new Points(), 32, shuffle: workers > 0, seed: null)|};")]
    [InlineData("var loader = {|REPRO1010:new TorchSharp.Modules.DataLoader(new Points(), 32, true, null, null, 1, false, true, true)|};")]
    public Task Shuffling_without_a_seed_is_reported(string statement) => Run<UnseededDataLoaderShuffleAnalyzer>(statement);

    [Theory]
    [InlineData("var loader = torch.utils.data.DataLoader(new Points(), 32);")]
    [InlineData("var loader = torch.utils.data.DataLoader(new Points(), 32, shuffle: false);")]
    [InlineData("var loader = torch.utils.data.DataLoader(new Points(), 32, shuffle: true, seed: (int)seed);")]
    [InlineData("var loader = torch.utils.data.DataLoader(new Points(), 32, new long[] { 3, 1, 2 });")]
    public Task Seeded_or_unshuffled_loaders_are_not_reported(string statement) => Run<UnseededDataLoaderShuffleAnalyzer>(statement);

    [Theory]
    [InlineData("var loader = {|REPRO1011:torch.utils.data.DataLoader(new JitteredPoints(), 32, num_worker: 4)|};")]
    [InlineData("var loader = {|REPRO1011:torch.utils.data.DataLoader(new NoisyPoints(), 32, num_worker: workers)|};")]
    public Task Random_draws_read_by_several_workers_are_reported(string statement) => Run<DataLoaderWorkerRaceAnalyzer>(statement);

    [Theory]
    [InlineData("var loader = torch.utils.data.DataLoader(new JitteredPoints(), 32, num_worker: 1);")]
    [InlineData("var loader = torch.utils.data.DataLoader(new JitteredPoints(), 32);")]
    [InlineData("var loader = torch.utils.data.DataLoader(new Points(), 32, num_worker: 8);")]
    // A dataset typed as the base class hides its GetTensor: the rule sees only the static type (a known limit, docs/rules/REPRO1011.md).
    [InlineData("torch.utils.data.Dataset data = new JitteredPoints(); var loader = torch.utils.data.DataLoader(data, 32, num_worker: 4);")]
    public Task One_worker_or_no_draws_is_not_reported(string statement) => Run<DataLoaderWorkerRaceAnalyzer>(statement);

    private static Task Run<TAnalyzer>(string statement)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        TorchAnalyzerTest.Create<TAnalyzer>(TorchAnalyzerTest.InMethod(statement) + "\n" + Datasets).RunAsync();
}
