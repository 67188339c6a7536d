using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.CodeFixes.Tests.Verification;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class DataLoaderSeedFixerTests
{
    private const string Dataset = """
        class Points : TorchSharp.torch.utils.data.Dataset
        {
            public override long Count => 100;
            public override System.Collections.Generic.Dictionary<string, TorchSharp.torch.Tensor> GetTensor(long index) => new();
        }
        """;

    [Fact]
    public Task A_seed_in_scope_is_passed_by_name_to_every_loader() => FixTest.Verify<UnseededDataLoaderShuffleAnalyzer, DataLoaderSeedFixer>(
        FixTest.Usings + """
        class Trainer
        {
            void Train(int dataSeed)
            {
                var train = [|torch.utils.data.DataLoader(new Points(), 32, shuffle: true)|];
                var valid = [|torch.utils.data.DataLoader(new Points(), 32, true, null)|];
            }
        }
        """,
        FixTest.Usings + """
        class Trainer
        {
            void Train(int dataSeed)
            {
                var train = torch.utils.data.DataLoader(new Points(), 32, shuffle: true, seed: dataSeed);
                var valid = torch.utils.data.DataLoader(new Points(), 32, true, null, seed: dataSeed);
            }
        }
        """,
        Dataset);

    [Fact]
    public Task Without_a_seed_in_scope_a_fixed_seed_is_passed() => FixTest.Verify<UnseededDataLoaderShuffleAnalyzer, DataLoaderSeedFixer>(
        FixTest.Usings + """
        class Trainer { object Load() => [|torch.utils.data.DataLoader(new Points(), 8, shuffle: true, num_worker: 2)|]; }
        """,
        FixTest.Usings + """
        class Trainer { object Load() => torch.utils.data.DataLoader(new Points(), 8, shuffle: true, num_worker: 2, seed: 0); }
        """,
        Dataset);
}
