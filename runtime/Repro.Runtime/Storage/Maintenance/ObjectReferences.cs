using Repro.Artifacts;
using Repro.Runs;

namespace Repro.Storage.Maintenance;

/// <summary>The content-store objects a run names, which gc must keep and du charges to it.</summary>
internal static class ObjectReferences
{
    /// <summary>Every run of the home and of its trash, with its folder; one that cannot be read is reported and left out.</summary>
    public static List<(RunManifest Manifest, string Folder, bool InTrash)> HomeRuns(RunStore store, Action<string, string>? onUnreadable)
    {
        var runs = new List<(RunManifest Manifest, string Folder, bool InTrash)>();
        foreach (var run in store.ListRuns(onUnreadable))
        {
            runs.Add((run, ReproHome.RunDirectory(store.Home, run.RunId), false));
        }

        foreach (var trashed in RunTrash.List(store.Home, onUnreadable))
        {
            var folder = Path.Combine(RunTrash.EntryDirectory(store.Home, trashed.RunId), RunTrash.RunFolderName);
            try
            {
                runs.Add((RunTrash.ReadManifest(store.Home, trashed.RunId), folder, true));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                onUnreadable?.Invoke(folder, e.Message);
            }
        }

        return runs;
    }

    /// <summary>
    /// The objects of the checkpoints pruned from the run in <paramref name="runDirectory"/>; a damaged record counts
    /// as none pruned (so every object stays), with a message to <paramref name="onUnreadable"/>.
    /// </summary>
    public static HashSet<string> Pruned(string runDirectory, Action<string> onUnreadable)
    {
        try
        {
            return PrunedCheckpoints.Read(runDirectory).Select(p => p.Sha256).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            onUnreadable(e.Message);
            return [];
        }
    }

    /// <summary>
    /// Every object <paramref name="manifest"/> names: its artifacts (and each file of a folder artifact, read from
    /// the folder's listing), the objects its tags point at, its dataset listings and its splits.
    /// </summary>
    /// <param name="manifest">The run.</param>
    /// <param name="objects">The home's content store, to read folder listings.</param>
    /// <param name="onUnreadable">Called with a message for each folder listing that cannot be read (its files are then unknown).</param>
    /// <param name="prunedCheckpoints">Objects of checkpoints gc pruned from the run, which it no longer holds on to (another artifact or a tag with the same object still does).</param>
    public static HashSet<string> Of(RunManifest manifest, ContentStore objects, Action<string> onUnreadable, IReadOnlySet<string>? prunedCheckpoints = null)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var checkpoint = ArtifactKinds.Name(ArtifactKind.Checkpoint);
        foreach (var artifact in manifest.Lineage.Artifacts)
        {
            if (prunedCheckpoints is not null && artifact.Kind == checkpoint && prunedCheckpoints.Contains(artifact.Sha256))
            {
                continue;
            }

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
