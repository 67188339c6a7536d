using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.CodeFixes.Rules;
using Repro.Analyzers.Rules;

namespace Repro.Analyzers.CodeFixes.Tests.Rules;

public class UnseededRandomFixerTests
{
    [Fact]
    public Task A_seed_parameter_in_scope_is_passed() => VerifyFix(
        """
        using System;
        class Trainer { void Train(int seed) { var r = [|new Random()|]; } }
        """,
        """
        using System;
        class Trainer { void Train(int seed) { var r = new Random(seed); } }
        """);

    [Fact]
    public Task A_seed_constant_of_the_type_is_passed() => VerifyFix(
        """
        using System;
        class Trainer { const int DataSeed = 3; Random R = [|new Random()|]; }
        """,
        """
        using System;
        class Trainer { const int DataSeed = 3; Random R = new Random(DataSeed); }
        """);

    [Fact]
    public Task A_local_declared_later_is_not_used_and_a_fixed_seed_is_passed() => VerifyFix(
        """
        using System;
        class Trainer { void Train() { var r = [|new Random()|]; int seed = 5; } }
        """,
        """
        using System;
        class Trainer { void Train() { var r = new Random(0); int seed = 5; } }
        """);

    [Fact]
    public Task Target_typed_creation_and_initializers_keep_their_shape() => VerifyFix(
        """
        using System;
        class Trainer { void Train(int seed) { Random a = [|new()|]; var b = [|new Random { }|]; } }
        """,
        """
        using System;
        class Trainer { void Train(int seed) { Random a = new(seed); var b = new Random(seed) { }; } }
        """);

    [Fact]
    public Task Fix_all_seeds_every_creation_in_the_document() => VerifyFix(
        """
        using System;
        class Trainer
        {
            static readonly int ShuffleSeed = 11;
            Random A = [|new Random()|];
            Random B = [|new System.Random()|];
            void Augment() { var c = [|new Random()|]; }
        }
        """,
        """
        using System;
        class Trainer
        {
            static readonly int ShuffleSeed = 11;
            Random A = new Random(ShuffleSeed);
            Random B = new System.Random(ShuffleSeed);
            void Augment() { var c = new Random(ShuffleSeed); }
        }
        """);

    private static Task VerifyFix(string source, string fixedSource) => new CSharpCodeFixTest<UnseededRandomAnalyzer, UnseededRandomFixer, DefaultVerifier>
    {
        TestCode = source,
        FixedCode = fixedSource,
        ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
    }.RunAsync();
}
