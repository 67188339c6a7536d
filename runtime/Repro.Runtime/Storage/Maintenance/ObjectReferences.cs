using Repro.Artifacts;
using Repro.Runs;

namespace Repro.Storage.Maintenance;

/// <summary>The content-store objects a run names, which gc must keep and du charges to it.</summary>
internal static class ObjectReferences
{
    /// <summary>
    /// Every object <paramref name="manifest"/> names: its artifacts (and each file of a folder artifact, read from
    /// the folder's listing), the objects its tags point at, its dataset listings and its splits.
    /// </summary>
    /// <param name="manifest">The run.</param>
    /// <param name="objects">The home's content store, to read folder listings.</param>
    /// <param name="onUnreadable">Called with a message for each folder listing that cannot be read (its files are then unknown).</param>
    public static HashSet<string> Of(RunManifest manifest, ContentStore objects, Action<string> onUnreadable)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in manifest.Lineage.Artifacts)
        {
            if (hashes.Add(artifact.Sha256) && artifact.MediaType == FolderListing.MediaType && objects.Contains(artifact.Sha256))
            {
                try
                {
                    hashes.UnionWith(FolderListing.Decode(objects.ReadAllBytes(artifact.Sha256)).Select(file => file.Sha256));
                }
                catch (Exception e) when (e is FormatException or CorruptObjectException or IOException)
                {
                    onUnreadable($"the listing of folder artifact {artifact.Name} of run {manifest.RunId} cannot be read ({e.Message})");
                }
            }
        }

        hashes.UnionWith(manifest.Lineage.Tags.Values);
        hashes.UnionWith(manifest.Lineage.Datasets.Where(d => d.ListingSha256.Length > 0).Select(d => d.ListingSha256));
        hashes.UnionWith(manifest.Lineage.Splits.Select(s => s.Sha256));
        return hashes;
    }
}
