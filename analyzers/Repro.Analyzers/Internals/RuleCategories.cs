namespace Repro.Analyzers.Internals;

/// <summary>Diagnostic categories, so users can configure a whole family at once (<c>dotnet_analyzer_diagnostic.category-…</c>).</summary>
internal static class RuleCategories
{
    /// <summary>Random number generators that cannot be, or are not, seeded.</summary>
    public const string Randomness = "Reproducibility.Randomness";

    /// <summary>Data whose order depends on the file system, thread timing or hashing.</summary>
    public const string DataOrder = "Reproducibility.DataOrder";

    /// <summary>TorchSharp operations whose result differs between runs on some device.</summary>
    public const string Operations = "Reproducibility.Operations";

    /// <summary>Process settings that decide determinism but cannot be made from inside the process.</summary>
    public const string Environment = "Reproducibility.Environment";
}
