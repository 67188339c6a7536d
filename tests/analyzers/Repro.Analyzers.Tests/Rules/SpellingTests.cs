using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>
/// Rules match symbols, not spellings: a call written without the type's name — through a using alias, a
/// target-typed <c>new(…)</c> — is found, and members that do not call the member stay silent.
/// </summary>
public class SpellingTests
{
    [Fact]
    public Task A_type_written_through_a_using_alias_is_still_found() =>
        TorchAnalyzerTest.Create<UnseededRandomAnalyzer>("""
            using R = System.Random;

            class Sampler
            {
                int Next() => {|REPRO1001:new R()|}.Next();
            }
            """).RunAsync();

    [Fact]
    public Task A_target_typed_new_of_a_field_declared_elsewhere_is_still_found() =>
        TorchAnalyzerTest.Create<UnseededRandomAnalyzer>("""
            class Sampler
            {
                private System.Random _random = null!;

                void Reset() { _random = {|REPRO1001:new()|}; }
            }
            """).RunAsync();

    [Fact]
    public Task A_clock_seed_through_a_target_typed_new_is_still_found() =>
        TorchAnalyzerTest.Create<ClockSeedAnalyzer>("""
            class Sampler
            {
                private System.Random _random = null!;

                void Reset() { _random = new({|REPRO1004:System.Environment.TickCount|}); }
            }
            """).RunAsync();

    [Fact]
    public Task Members_that_mention_none_of_the_names_stay_silent_and_the_one_that_does_is_reported() =>
        TorchAnalyzerTest.Create<GuidOrderingAnalyzer>("""
            using System;
            using System.Linq;

            class Shuffler
            {
                int[] Sorted(int[] values) => values.OrderBy(v => v).ToArray();

                int[] Shuffled(int[] values) => values.{|REPRO1005:OrderBy(_ => Guid.NewGuid())|}.ToArray();
            }
            """).RunAsync();

    // The rules turn a call away by the name it spells before reading its symbol; these are the spellings of a call
    // whose name is still the method's own.
    [Fact]
    public Task Calls_written_with_using_static_a_null_conditional_or_a_qualified_name_are_still_found() =>
        TorchAnalyzerTest.Create<NondeterministicOperationAnalyzer>(TorchAnalyzerTest.Usings + """
            using static TorchSharp.torch;

            static class Scores
            {
                public static Tensor Sum(Tensor scores, Tensor classes) => {|REPRO2001:index_add(scores, 0, classes, scores, 1)|};

                public static Tensor? Maybe(Tensor? scores, Tensor classes) => scores?{|REPRO2001:.index_add(0, classes, scores, 1)|};

                public static Tensor Qualified(Tensor scores, Tensor classes) => TorchSharp.torch.{|REPRO2001:index_add(scores, 0, classes, scores, 1)|};
            }
            """).RunAsync();

    [Fact]
    public Task A_seed_call_through_using_static_is_still_followed_to_the_clock() =>
        TorchAnalyzerTest.Create<ClockSeedAnalyzer>(TorchAnalyzerTest.Usings + """
            using static TorchSharp.torch;

            static class Seeding
            {
                public static void Seed() => manual_seed({|REPRO1004:System.DateTime.Now.Ticks|});
            }
            """).RunAsync();

    [Fact]
    public Task A_listing_called_through_a_null_conditional_on_a_directory_info_is_still_found() =>
        TorchAnalyzerTest.Create<UnorderedDirectoryListingAnalyzer>("""
            using System.IO;
            using System.Linq;

            static class Folders
            {
                public static string[] Names(DirectoryInfo? folder) => folder?{|REPRO1013:.GetFiles()|}.Select(f => f.Name).ToArray() ?? [];
            }
            """).RunAsync();
}
