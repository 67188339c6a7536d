using Microsoft.CodeAnalysis;

namespace Repro.Analyzers.Internals;

/// <summary>Where each rule's documentation page lives (<c>docs/rules/&lt;ID&gt;.md</c>), and one way to build descriptors.</summary>
internal static class RuleHelp
{
    private const string BaseUri = "https://github.com/repro-dotnet/repro/blob/main/docs/rules/";

    public static string For(string id) => BaseUri + id + ".md";

    /// <summary>A descriptor enabled by default, with its help link derived from its ID.</summary>
    public static DiagnosticDescriptor Rule(
        string id, string title, string message, string category, DiagnosticSeverity severity, string description,
        params string[] customTags) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description, For(id), customTags);

    /// <summary>
    /// A descriptor reported at compilation end; the tag tells the IDE the rule needs the whole compilation,
    /// so it runs it in full-solution analysis rather than on every keystroke.
    /// </summary>
    public static DiagnosticDescriptor CompilationEndRule(
        string id, string title, string message, string category, DiagnosticSeverity severity, string description) =>
        Rule(id, title, message, category, severity, description, WellKnownDiagnosticTags.CompilationEnd);
}
