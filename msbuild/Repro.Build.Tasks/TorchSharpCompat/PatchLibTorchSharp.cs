using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Repro.Build.Tasks.TorchSharpCompat;

/// <summary>
/// MSBuild task: makes the copies of <c>libLibTorchSharp.so</c> in a build output loadable when the
/// system's libstdc++ lacks <c>GLIBCXX_3.4.32</c>. Never touches the NuGet cache: the edited file
/// replaces the output copy by rename, which also breaks any hard link to the cache.
/// </summary>
public sealed class PatchLibTorchSharp : Task
{
    /// <summary>The output copies of libLibTorchSharp.so.</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The libstdc++ to check; by default the one the dynamic loader finds.</summary>
    public string? LibStdCxxPath { get; set; }

    /// <summary>What was done, per library: patched, already-patched, not-required or not-needed.</summary>
    [Output]
    public string Result { get; private set; } = string.Empty;

    /// <inheritdoc />
    public override bool Execute()
    {
        var libstdcxx = string.IsNullOrEmpty(LibStdCxxPath) ? SystemLibStdCxx.Locate() : LibStdCxxPath;
        if (libstdcxx is null)
        {
            Result = "not-needed";
            Log.LogMessage(MessageImportance.Low, "Repro: no libstdc++.so.6 found; libLibTorchSharp.so left as it is.");
            return true;
        }

        try
        {
            if (SystemLibStdCxx.Defines(libstdcxx, LibTorchSharpPatcher.MissingVersion))
            {
                Result = "not-needed";
                Log.LogMessage(MessageImportance.Low, $"Repro: {libstdcxx} defines {LibTorchSharpPatcher.MissingVersion}; libLibTorchSharp.so left as it is.");
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Log.LogWarning(null, "REPRO4002", null, null, 0, 0, 0, 0, $"Repro: could not read {libstdcxx} ({e.Message}); libLibTorchSharp.so left as it is.");
            return true;
        }

        var results = new System.Collections.Generic.List<string>();
        foreach (var item in Libraries)
        {
            results.Add(PatchOne(item.GetMetadata("FullPath"), libstdcxx));
        }

        Result = string.Join(";", results);
        return !Log.HasLoggedErrors;
    }

    private string PatchOne(string path, string libstdcxx)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var outcome = LibTorchSharpPatcher.Patch(bytes);
            switch (outcome)
            {
                case LibTorchSharpPatcher.Outcome.Patched:
                    ReplaceKeepingTimestamp(path, bytes);
                    Log.LogMessage(
                        MessageImportance.High,
                        $"Repro: patched {path} to load with {libstdcxx}, which lacks {LibTorchSharpPatcher.MissingVersion} "
                        + "(set ReproTorchSharpCompat=false to turn this off).");
                    return "patched";
                case LibTorchSharpPatcher.Outcome.AlreadyPatched:
                    Log.LogMessage(MessageImportance.Low, $"Repro: {path} is already patched for {libstdcxx}.");
                    return "already-patched";
                default:
                    Log.LogMessage(MessageImportance.Low, $"Repro: {path} does not require {LibTorchSharpPatcher.MissingVersion}; left as it is.");
                    return "not-required";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Log.LogWarning(null, "REPRO4002", null, path, 0, 0, 0, 0, $"Repro: could not make {path} loadable: {e.Message}. TorchSharp may fail to load on this system.");
            return "failed";
        }
    }

    /// <summary>
    /// Writes the edited library beside the original and renames it over it. The original's timestamp
    /// is kept, so the next incremental build sees the output as up to date and does not copy the
    /// unpatched file from the package again.
    /// </summary>
    private static void ReplaceKeepingTimestamp(string path, byte[] bytes)
    {
        var timestamp = File.GetLastWriteTimeUtc(path);
        var temporary = path + ".repro-tmp";
        File.WriteAllBytes(temporary, bytes);
        File.SetLastWriteTimeUtc(temporary, timestamp);
        File.Delete(path);
        File.Move(temporary, path);
    }
}
