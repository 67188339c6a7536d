namespace Repro.Analyzers.Internals;

/// <summary>Diagnostic categories, so users can configure a whole family at once.</summary>
internal static class RuleCategories
{
    public const string Randomness = "Reproducibility.Randomness";
}
