using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.CodeFixes.Tests.Verification;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class AsOrderedFixerTests
{
    [Fact]
    public Task Every_parallel_query_keeps_its_source_order() => FixTest.Verify<UnorderedParallelQueryAnalyzer, AsOrderedFixer>(
        """
        using System.Linq;
        class Features
        {
            int[] Squares(int[] xs) => xs.[|AsParallel()|].Select(x => x * x).ToArray();
            int[] Cubes(int[] xs) => ParallelEnumerable.[|AsParallel(xs)|].Select(x => x * x * x).ToArray();
        }
        """,
        """
        using System.Linq;
        class Features
        {
            int[] Squares(int[] xs) => xs.AsParallel().AsOrdered().Select(x => x * x).ToArray();
            int[] Cubes(int[] xs) => ParallelEnumerable.AsParallel(xs).AsOrdered().Select(x => x * x * x).ToArray();
        }
        """);
}
