namespace Repro.Analyzers.Internals;

/// <summary>Where each rule's documentation page lives: <c>docs/rules/&lt;ID&gt;.md</c>.</summary>
internal static class RuleHelp
{
    private const string BaseUri = "https://github.com/repro-dotnet/repro/blob/main/docs/rules/";

    public static string For(string id) => BaseUri + id + ".md";
}
