using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.CodeFixes.Tests.Verification;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class StableHashFixerTests
{
    // Repro.Runtime's helper by its real name (the runtime targets net10.0; these tests compile against net8.0).
    private const string StableHash = "namespace Repro { public static class StableHash { public static int Of(string value) => 0; } }";

    [Fact]
    public Task String_hash_codes_become_stable_hashes() => FixTest.Verify<StringHashCodeAnalyzer, StableHashFixer>(
        """
        class Splitter
        {
            bool IsValidation(string path) => path.[|GetHashCode()|] % 10 == 0;
            int Seed(string name) => (name + "/seed").[|GetHashCode()|];
        }
        """,
        """
        class Splitter
        {
            bool IsValidation(string path) => Repro.StableHash.Of(path) % 10 == 0;
            int Seed(string name) => Repro.StableHash.Of((name + "/seed"));
        }
        """,
        StableHash);
}
