using Microsoft.CodeAnalysis;

namespace Repro.Generators.Common;

/// <summary>Creates the generators' diagnostic descriptors, each linked to its page under docs/rules/.</summary>
internal static class Descriptors
{
    private const string HelpBase = "https://github.com/repro-dotnet/repro/blob/main/docs/rules/";

    public static DiagnosticDescriptor Create(string id, string category, string title, string message, DiagnosticSeverity severity = DiagnosticSeverity.Error) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}
