using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Repro.Analyzers.Rules;
using Repro.Analyzers.Tests.Verification;

namespace Repro.Analyzers.Tests.Realistic;

/// <summary>
/// Training programs (a console program among them), inference jobs, a test project and data-preparation jobs written for this test (Realistic/Programs), each twice: as first written, with the
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
        "GraphMessagePassing",
        "DetectionEvaluation",
        "VocabularyShards",
        "GridWorldAgent",
    ];

    public static TheoryData<string> Programs { get; } = new(ProgramNames);

    [Theory]
    [MemberData(nameof(Programs))]
    public Task The_nondeterministic_version_gets_exactly_the_marked_diagnostics(string program) => Analyze(program + ".Nondeterministic.cs");

    [Theory]
    [MemberData(nameof(Programs))]
    public Task The_fixed_version_gets_none(string program) => Analyze(program + ".Fixed.cs");

    [Theory]
    [InlineData("randomness and seeding", 1001, 1012)]
    [InlineData("data order and process environment", 1013, 1017)]
    [InlineData("nondeterministic operations", 2001, 2022)]
    public void Every_rule_family_is_exercised_by_at_least_300_lines_of_programs(string family, int first, int last)
    {
        // A program counts for a family when it holds at least one of the family's diagnostics: there the rules of
        // the family are asked to tell real hazards from the look-alikes around them.
        var programs = ProgramNames
            .Select(name => (Name: name, Text: Read(name + ".Nondeterministic.cs")))
            .Select(program => (program.Name, Lines: program.Text.Split('\n').Length, Ids: MarkedIds().Matches(program.Text).Select(match => int.Parse(match.Groups[1].Value.AsSpan(5), CultureInfo.InvariantCulture)).ToList()))
            .Where(program => program.Ids.Any(id => id >= first && id <= last))
            .ToList();
        var lines = programs.Sum(program => program.Lines);
        var diagnostics = programs.Sum(program => program.Ids.Count(id => id >= first && id <= last));
        var rules = programs.SelectMany(program => program.Ids).Where(id => id >= first && id <= last).Distinct().Count();

        Assert.True(lines >= 300, $"{family}: only {lines} lines in {string.Join(", ", programs.Select(program => program.Name))}");
        Assert.True(diagnostics >= 10, $"{family}: only {diagnostics} marked diagnostics");
        Assert.True(rules * 4 >= (last - first + 1) * 3, $"{family}: only {rules} of {last - first + 1} rules exercised");
    }

    [Fact]
    public void The_corpus_holds_training_inference_and_test_code()
    {
        var texts = ProgramNames.Select(name => Read(name + ".Nondeterministic.cs")).ToList();

        Assert.Contains(texts, text => text.Contains(".backward()", StringComparison.Ordinal));
        Assert.Contains(texts, text => !text.Contains("backward(", StringComparison.Ordinal) && !text.Contains("// references: xunit", StringComparison.Ordinal));
        Assert.Contains(texts, text => text.Contains("// references: xunit", StringComparison.Ordinal));
        Assert.Contains(texts, text => text.Contains("// output: exe", StringComparison.Ordinal));
    }

    private static Task Analyze(string file)
    {
        var source = Read(file);
        var device = DeviceLine().Match(source) is { Success: true } match ? match.Groups[1].Value : null;
        var test = new AllRulesTest { TestCode = source, ReferenceAssemblies = ReferenceAssemblies.Net.Net80 };
        TorchAnalyzerTest.Configure(test.TestState, device);
        if (source.Contains("// output: exe", StringComparison.Ordinal))
        {
            // A console program: its Main is the entry point the seeding rules follow.
            test.TestState.OutputKind = Microsoft.CodeAnalysis.OutputKind.ConsoleApplication;
        }

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
