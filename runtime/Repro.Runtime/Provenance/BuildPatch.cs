using System.Security.Cryptography;
using System.Text.Json;
using Repro.Runs;

namespace Repro.Provenance;

/// <summary>
/// The uncommitted patch a dirty build kept beside its program (<c>&lt;assembly&gt;.provenance.patch</c>), found from
/// the run's command line and trusted only when its SHA-256 is the one the build recorded.
/// </summary>
public static class BuildPatch
{
    /// <summary>The patch's bytes, or null with the reason it cannot be used.</summary>
    /// <param name="manifest">The run.</param>
    /// <param name="reason">Why there is no usable patch; empty when there is one.</param>
    /// <param name="exactOnly">Refuse a patch that is not git's bytes exactly (secrets redacted, binary hunks left out).</param>
    public static byte[]? TryRead(RunManifest manifest, out string reason, bool exactOnly = false)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Build.Provenance is not { ValueKind: JsonValueKind.Object } provenance
            || !provenance.TryGetProperty("git", out var git) || git.ValueKind != JsonValueKind.Object
            || !git.TryGetProperty("patch", out var patch) || patch.ValueKind != JsonValueKind.Object)
        {
            reason = "the build recorded no patch";
            return null;
        }

        if (!patch.TryGetProperty("file", out var file) || file.GetString() is not { Length: > 0 } name)
        {
            reason = "the build did not keep its patch" + (patch.TryGetProperty("note", out var note) && note.GetString() is { Length: > 0 } why ? $" ({why})" : string.Empty);
            return null;
        }

        var written = patch.TryGetProperty("writtenSha256", out var writtenHash) ? writtenHash.GetString() : null;
        if (exactOnly && written is not null)
        {
            reason = "the kept patch is not git's patch exactly (secrets were redacted or binary hunks left out), so applying it would not rebuild the same code";
            return null;
        }

        if (manifest.Environment.CommandLine.Count == 0 || Path.GetDirectoryName(manifest.Environment.CommandLine[0]) is not { Length: > 0 } folder)
        {
            reason = "the run recorded no program path to find the patch beside";
            return null;
        }

        var path = Path.Combine(folder, Path.GetFileName(name));
        try
        {
            var bytes = File.ReadAllBytes(path);
            var expected = written ?? manifest.Build.PatchSha256;
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), expected, StringComparison.OrdinalIgnoreCase))
            {
                reason = $"{path} is no longer the patch the build recorded (a later build replaced it)";
                return null;
            }

            reason = string.Empty;
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"{path} cannot be read: {e.Message}";
            return null;
        }
    }
}
