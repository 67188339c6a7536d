using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Realistic;

/// <summary>
/// Five training programs, an inference service, a test project and a data-preparation job written for this test (Realistic/Programs), each twice: as first written, with the
/// exact diagnostics every Repro analyzer must report marked in the source, and fixed, where none may remain.
/// All analyzers run together on each program, as in a build.
/// </summary>
public partial class RealisticProgramsTests
{
    private static readonly string[] ProgramNames =
    [
        "ImageFolderClassifier",
        "TextSentiment",
        "TabularRegression",
        "SegmentationGpu",
        "RecommenderEmbeddings",
        "InferenceService",
        "ModelTests",
        "DatasetPreparation",
    ];

    public static TheoryData<string> Programs { get; } = new(ProgramNames);

    [Theory]
    [MemberData(nameof(Programs))]
    public Task The_nondeterministic_version_gets_exactly_the_marked_diagnostics(string program) => Analyze(program + ".Nondeterministic.cs");

    [Theory]
    [MemberData(nameof(Programs))]
    public Task The_fixed_version_gets_none(string program) => Analyze(program + ".Fixed.cs");

    [Fact]
    public void The_programs_are_substantial_and_every_rule_family_is_exercised()
    {
        var nondeterministic = ProgramNames.Select(name => Read(name + ".Nondeterministic.cs")).ToList();
        var marked = nondeterministic.SelectMany(text => MarkedIds().Matches(text).Select(match => match.Groups[1].Value)).ToHashSet();

        Assert.True(nondeterministic.Sum(text => text.Split('\n').Length) >= 300);
        Assert.Contains("REPRO1001", marked);
        Assert.Contains("REPRO1013", marked);
        Assert.Contains("REPRO2001", marked);
        Assert.True(marked.Count >= 30, $"only {marked.Count} rules exercised: {string.Join(", ", marked.Order(StringComparer.Ordinal))}");
    }

    private static Task Analyze(string file)
    {
        var source = Read(file);
        var device = DeviceLine().Match(source) is { Success: true } match ? match.Groups[1].Value : null;
        var test = new AllRulesTest { TestCode = source, ReferenceAssemblies = ReferenceAssemblies.Net.Net80 };
        TorchAnalyzerTest.Configure(test.TestState, device);
        if (source.Contains("// references: xunit", StringComparison.Ordinal))
        {
            // A test project: the real xUnit assembly, as a test project references it.
            test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(FactAttribute).Assembly.Location));
            test.TestState.AdditionalReferences.Add(Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(typeof(Assert).Assembly.Location));
        }

        return test.RunAsync();
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Realistic", "Programs", file));

    [GeneratedRegex(@"^// repro_target_device: (\w+)$", RegexOptions.Multiline)]
    private static partial Regex DeviceLine();

    [GeneratedRegex(@"\{\|(REPRO\d{4}):")]
    private static partial Regex MarkedIds();

    /// <summary>Every analyzer in Repro.Analyzers at once, as a build runs them.</summary>
    private sealed class AllRulesTest : CSharpAnalyzerTest<UnseededRandomAnalyzer, DefaultVerifier>
    {
        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
            typeof(UnseededRandomAnalyzer).Assembly.GetTypes()
                .Where(type => type.IsSubclassOf(typeof(DiagnosticAnalyzer)) && !type.IsAbstract)
                .OrderBy(type => type.FullName, StringComparer.Ordinal)
                .Select(type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!);
    }
}
