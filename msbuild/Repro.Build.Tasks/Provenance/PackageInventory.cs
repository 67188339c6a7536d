using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Repro.Build.Tasks.Stamping;

namespace Repro.Build.Tasks.Provenance;

/// <summary>The NuGet side of a build: each lock file's SHA-256 and every package restore resolved (project.assets.json).</summary>
internal static class PackageInventory
{
    /// <summary>SHA-256 (lower-case hex) of each existing lock file, keyed by its path relative to <paramref name="root"/> with '/' separators.</summary>
    public static SortedDictionary<string, string> HashLockFiles(IEnumerable<string> lockFiles, string root)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in lockFiles.Where(File.Exists))
        {
            hashes[Relative(root, file)] = GitState.Hex(GitState.Sha256(File.ReadAllBytes(file)));
        }

        return hashes;
    }

    /// <summary>"Id/Version" of every package in the assets file's libraries, sorted; empty when there is no assets file.</summary>
    /// <exception cref="InvalidDataException">The assets file is not the JSON restore writes.</exception>
    public static IReadOnlyList<string> ResolvedPackages(string? assetsFile)
    {
        if (string.IsNullOrEmpty(assetsFile) || !File.Exists(assetsFile))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(assetsFile!));
            if (!document.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            return libraries.EnumerateObject()
                .Where(library => library.Value.TryGetProperty("type", out var type) && type.GetString() == "package")
                .Select(library => library.Name)
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(name => name, StringComparer.Ordinal)
                .ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{assetsFile} is not a valid NuGet assets file: {e.Message}", e);
        }
    }

    internal static string Relative(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var relative = full.StartsWith(prefix, StringComparison.Ordinal) ? full.Substring(prefix.Length) : Path.GetFileName(full);
        return relative.Replace('\\', '/');
    }
}
