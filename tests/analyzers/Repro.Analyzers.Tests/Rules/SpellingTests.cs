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
}
