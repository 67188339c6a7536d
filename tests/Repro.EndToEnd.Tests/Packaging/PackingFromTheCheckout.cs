namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// Tests that pack from this checkout run one at a time: two packs of one project at once would race on its
/// intermediate files.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackingFromTheCheckout
{
    public const string Name = "Packing from the checkout";
}
