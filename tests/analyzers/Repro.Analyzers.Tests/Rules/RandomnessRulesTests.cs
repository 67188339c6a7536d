using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Rules;

/// <summary>The per-call randomness rules: REPRO1002–REPRO1007 and REPRO1012.</summary>
public class RandomnessRulesTests
{
    [Theory]
    [InlineData("var n = {|REPRO1002:Random.Shared|}.Next();")]
    [InlineData("var items = new[] { 1, 2, 3 }; {|REPRO1002:System.Random.Shared|}.Shuffle(items);")]
    [InlineData("Func<Random> pick = () => {|REPRO1002:Random.Shared|};")]
    public Task Shared_random_is_reported(string statement) => Run<SharedRandomAnalyzer>(statement);

    [Fact]
    public Task A_seeded_random_is_not_shared() => Run<SharedRandomAnalyzer>("var n = new Random(7).Next();");

    [Theory]
    [InlineData("var i = System.Security.Cryptography.RandomNumberGenerator.{|REPRO1003:GetInt32(10)|};")]
    [InlineData("var b = new byte[4]; System.Security.Cryptography.RandomNumberGenerator.{|REPRO1003:Fill(b)|};")]
    [InlineData("var g = System.Security.Cryptography.RandomNumberGenerator.{|REPRO1003:Create()|};")]
    [InlineData("using var g = System.Security.Cryptography.RandomNumberGenerator.{|REPRO1003:Create()|}; g.{|REPRO1003:GetBytes(new byte[4])|};")]
    public Task Cryptographic_randomness_in_training_code_is_reported(string statement) => Run<CryptographicRandomAnalyzer>(statement);

    [Theory]
    [InlineData("var runName = \"run-\" + System.Security.Cryptography.RandomNumberGenerator.GetHexString(8);")]
    [InlineData("var token = System.Security.Cryptography.RandomNumberGenerator.GetString(\"abcdef0123456789\", 16);")]
    public Task Random_text_for_names_and_tokens_is_not_reported(string statement) => Run<CryptographicRandomAnalyzer>(statement);

    [Fact]
    public Task Cryptographic_randomness_outside_torch_projects_is_left_alone() =>
        new CSharpAnalyzerTest<CryptographicRandomAnalyzer, DefaultVerifier>
        {
            TestCode = "class Keys { int Token() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(10); }",
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
        }.RunAsync();

    [Theory]
    [InlineData("var r = new Random({|REPRO1004:Environment.TickCount|});")]
    [InlineData("var r = new Random(Seed: {|REPRO1004:(int)DateTime.Now.Ticks|});")]
    [InlineData("var ticks = DateTime.UtcNow.Ticks; torch.manual_seed({|REPRO1004:ticks|});")]
    [InlineData("var t = (int)DateTimeOffset.UtcNow.ToUnixTimeSeconds(); var mixed = t ^ 17; var r = new Random({|REPRO1004:mixed|});")]
    [InlineData("long s; s = System.Diagnostics.Stopwatch.GetTimestamp(); torch.random.manual_seed({|REPRO1004:s|});")]
    [InlineData("torch.cuda.manual_seed_all({|REPRO1004:Guid.NewGuid().GetHashCode()|});")]
    [InlineData("var g = new Generator({|REPRO1004:(ulong)Environment.TickCount64|}, torch.CPU);")]
    [InlineData("var id = Environment.ProcessId; var r = new Random({|REPRO1004:id|});")]
    public Task Clock_and_identity_seeds_are_reported(string statement) => Run<ClockSeedAnalyzer>(statement);

    [Theory]
    [InlineData("var r = new Random((int)seed);")]
    [InlineData("torch.manual_seed(seed);")]
    [InlineData("var s = 42; s = s + 1; var r = new Random(s);")]
    [InlineData("var started = DateTime.Now; var r = new Random(7); Console.WriteLine(started);")]
    public Task Fixed_seeds_are_not_reported(string statement) => Run<ClockSeedAnalyzer>(statement);

    [Theory]
    [InlineData("var order = Enumerable.Range(0, 10).{|REPRO1005:OrderBy(_ => Guid.NewGuid())|}.ToList();")]
    [InlineData("var order = Enumerable.Range(0, 10).OrderBy(i => i % 2).{|REPRO1005:ThenByDescending(_ => Guid.NewGuid().ToString())|}.ToList();")]
    [InlineData("var order = Enumerable.{|REPRO1005:OrderBy(Enumerable.Range(0, 10), _ => Guid.NewGuid())|}.ToList();")]
    public Task Ordering_by_new_guids_is_reported(string statement) => Run<GuidOrderingAnalyzer>(statement);

    [Fact]
    public Task Ordering_by_a_key_is_not_reported() =>
        Run<GuidOrderingAnalyzer>("var ids = new[] { Guid.NewGuid() }; var order = ids.OrderBy(id => id).ToList();");

    [Theory]
    [InlineData("var bucket = folder.{|REPRO1006:GetHashCode()|} % 10;")]
    [InlineData("var r = new Random(folder.{|REPRO1006:GetHashCode()|});")]
    [InlineData("var h = folder.{|REPRO1006:GetHashCode(StringComparison.Ordinal)|};")]
    public Task String_hash_codes_are_reported(string statement) => Run<StringHashCodeAnalyzer>(statement);

    [Fact]
    public Task Hashing_inside_GetHashCode_and_non_string_hashes_are_not_reported() =>
        TorchAnalyzerTest.Create<StringHashCodeAnalyzer>("""
            class Key
            {
                public string Name { get; } = "";
                public override bool Equals(object? other) => other is Key key && key.Name == Name;
                public override int GetHashCode() => Name.GetHashCode();
                int Other(long seed) => seed.GetHashCode();
            }
            """).RunAsync();

    [Theory]
    [InlineData("torch.{|REPRO1007:seed()|};")]
    [InlineData("var s = torch.random.{|REPRO1007:seed()|};")]
    [InlineData("var g = new Generator(1UL, torch.CPU); g.{|REPRO1007:seed()|};")]
    [InlineData("Func<long> reseed = {|REPRO1007:torch.seed|};")]
    public Task Clock_based_torch_seeding_is_reported(string statement) => Run<TimeBasedTorchSeedAnalyzer>(statement);

    [Fact]
    public Task Manual_seeding_is_not_reported() =>
        Run<TimeBasedTorchSeedAnalyzer>("torch.manual_seed(seed); var s = torch.initial_seed();");

    [Theory]
    [InlineData("var t = torchvision.transforms.{|REPRO1012:RandomResizedCrop(224)|};")]
    [InlineData("var t = torchvision.transforms.{|REPRO1012:RandomRotation(15.0)|};")]
    [InlineData("var t = torchvision.transforms.{|REPRO1012:RandomPerspective()|};")]
    [InlineData("var t = torchvision.transforms.{|REPRO1012:RandomOrder(new[] { torchvision.transforms.HorizontalFlip() })|};")]
    public Task Unseedable_vision_transforms_are_reported(string statement) => Run<UnseedableVisionTransformAnalyzer>(statement);

    [Fact]
    public Task Transforms_that_draw_from_torch_are_not_reported() =>
        Run<UnseedableVisionTransformAnalyzer>("var t = torchvision.transforms.RandomHorizontalFlip(); var c = torchvision.transforms.CenterCrop(224);");

    private static Task Run<TAnalyzer>(string statement)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        TorchAnalyzerTest.Create<TAnalyzer>(TorchAnalyzerTest.InMethod(statement)).RunAsync();
}
