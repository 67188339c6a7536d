using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.CodeFixes.Tests.Verification;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class CudaSeedFixerTests
{
    [Fact]
    public Task Manual_seed_all_follows_the_cpu_seed_with_the_same_value_and_satisfies_the_whole_project() => FixTest.Verify<TorchSeedingAnalyzer, CudaSeedFixer>(
        FixTest.Usings + """
        class Trainer
        {
            const long Seed = 42;

            void Train(long runSeed)
            {
                {|REPRO1009:torch.manual_seed(runSeed)|};
                var weights = torch.randn(3, 3).cuda();
            }
        }
        """,
        FixTest.Usings + """
        class Trainer
        {
            const long Seed = 42;

            void Train(long runSeed)
            {
                torch.manual_seed(runSeed);
                torch.cuda.manual_seed_all(runSeed);
                var weights = torch.randn(3, 3).cuda();
            }
        }
        """,
        OutputKind.DynamicallyLinkedLibrary,
        CodeFixTestBehaviors.SkipLocalDiagnosticCheck);

    [Fact]
    public Task Top_level_statements_are_fixed_too() => FixTest.Verify<TorchSeedingAnalyzer, CudaSeedFixer>(
        FixTest.Usings + """
        {|REPRO1009:torch.manual_seed(7)|};
        var device = torch.CUDA;

        """,
        FixTest.Usings + """
        torch.manual_seed(7);
        torch.cuda.manual_seed_all(7);
        var device = torch.CUDA;

        """,
        OutputKind.ConsoleApplication,
        CodeFixTestBehaviors.SkipLocalDiagnosticCheck);
}
