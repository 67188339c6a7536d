namespace Repro.Analyzers.Internals;

/// <summary>
/// Every Repro diagnostic ID, in one table. Ranges: REPRO1xxx randomness and seeding,
/// REPRO2xxx nondeterministic TorchSharp operations, REPRO3xxx source generators,
/// REPRO4xxx build (MSBuild tasks).
/// </summary>
internal static class RuleIds
{
    public const string UnseededRandom = "REPRO1001";
}
