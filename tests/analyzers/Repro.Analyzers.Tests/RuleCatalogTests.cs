using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Repro.Analyzers.Rules;
using Repro.Tests.Shared;

namespace Repro.Analyzers.Tests;

/// <summary>Every rule any analyzer can report is documented, tracked for release, and unique.</summary>
public class RuleCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(UnseededRandomAnalyzer).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(DiagnosticAnalyzer)) && !type.IsAbstract)
        .SelectMany(type => ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
        .ToArray();

    public static TheoryData<string> Ids { get; } = new(Descriptors.Select(d => d.Id).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_id_is_reported_by_exactly_one_analyzer()
    {
        // REPRO1001–1017 (randomness, data order, environment) and REPRO2001–2022 (operations, cuBLAS).
        Assert.Equal(39, Descriptors.Length);
        Assert.Equal(Descriptors.Length, Descriptors.Select(d => d.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_rule_has_a_page_that_explains_it_and_is_listed_in_the_index(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var page = Path.Combine(RepoPaths.Root, "docs", "rules", id + ".md");

        Assert.True(File.Exists(page), $"{page} is missing");
        var text = File.ReadAllText(page);
        Assert.Contains("## Bad", text, StringComparison.Ordinal);
        Assert.Contains("## Fixed", text, StringComparison.Ordinal);
        Assert.Contains("## When it does not apply", text, StringComparison.Ordinal);
        Assert.Contains($"| Severity | {descriptor.DefaultSeverity} |", text, StringComparison.Ordinal);
        Assert.Contains($"| Category | {descriptor.Category} |", text, StringComparison.Ordinal);
        Assert.Contains($"[{id}]({id}.md)", File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules", "README.md")), StringComparison.Ordinal);
        Assert.EndsWith($"docs/rules/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_rule_is_in_the_release_tracking_file_with_its_severity(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var unshipped = File.ReadAllLines(Path.Combine(RepoPaths.Root, "analyzers", "Repro.Analyzers", "AnalyzerReleases.Unshipped.md"));

        Assert.Contains(unshipped, line => line.StartsWith($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", StringComparison.Ordinal));
    }
}
