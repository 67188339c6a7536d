using Repro.Runs;

namespace Repro.Artifacts;

/// <summary>Finds a run's artifacts by tag or name, from its manifest's lineage.</summary>
public static class RunArtifacts
{
    /// <summary>
    /// The artifact <paramref name="nameOrTag"/> names in <paramref name="manifest"/>: a tag (<c>last</c>,
    /// <c>best/loss</c>, a user's tag) first, else the newest artifact of that name, else a unique SHA-256 prefix (at least 8 digits).
    /// </summary>
    /// <exception cref="ObjectNotFoundException">Nothing matches; the message lists the run's tags and names.</exception>
    public static ArtifactSummary Find(RunManifest manifest, string nameOrTag)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrTag);
        var artifacts = manifest.Lineage.Artifacts;
        if (manifest.Lineage.Tags.TryGetValue(nameOrTag, out var tagged)
            && artifacts.LastOrDefault(artifact => artifact.Sha256 == tagged) is { } byTag)
        {
            return byTag;
        }

        if (artifacts.LastOrDefault(artifact => artifact.Name == nameOrTag) is { } byName)
        {
            return byName;
        }

        if (nameOrTag.Length >= 8 && nameOrTag.All(Uri.IsHexDigit))
        {
            var byHash = artifacts.Where(artifact => artifact.Sha256.StartsWith(nameOrTag, StringComparison.OrdinalIgnoreCase)).Select(artifact => artifact.Sha256).Distinct().ToList();
            if (byHash.Count == 1)
            {
                return artifacts.Last(artifact => artifact.Sha256 == byHash[0]);
            }
        }

        var tags = manifest.Lineage.Tags.Keys.ToList();
        var names = artifacts.Select(artifact => artifact.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        throw new ObjectNotFoundException($"Run {manifest.RunId} has no artifact or tag '{nameOrTag}'. "
            + (tags.Count == 0 && names.Count == 0
                ? "It recorded no artifacts."
                : $"Tags: {(tags.Count == 0 ? "none" : string.Join(", ", tags))}; names: {(names.Count == 0 ? "none" : string.Join(", ", names))}."));
    }
}
