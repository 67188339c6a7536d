using System.Security.Cryptography;
using Repro.Artifacts;
using Repro.Runs;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>Real runs to delete, restore and collect: each with a WAL of several segments and, optionally, a stored checkpoint.</summary>
internal static class MaintenanceHomes
{
    private static readonly MetricDeclaration s_loss = new("maintenance_loss");

    /// <summary>Records a run of <paramref name="scalars"/> losses; with <paramref name="checkpoint"/>, also a checkpoint of those bytes.</summary>
    public static string Record(string home, string name, int scalars = 2_000, byte[]? checkpoint = null, bool fail = false, IReadOnlyDictionary<string, string>? tags = null)
    {
        var run = Run.Start(new RunOptions
        {
            Home = home,
            Name = name,
            TelemetryInterval = TimeSpan.Zero,
            Tags = tags ?? new Dictionary<string, string>(),
            Pipeline = new Repro.Pipeline.EventPipelineOptions { SegmentSizeBytes = 4096 },
        });
        for (var step = 0; step < scalars; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        if (checkpoint is not null)
        {
            using var file = new TemporaryDirectory("repro-checkpoint");
            var path = file.Combine("model.bin");
            File.WriteAllBytes(path, checkpoint);
            run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint }).Wait();
        }

        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        Thread.Sleep(2); // distinct ULID timestamps
        return run.Id.ToString();
    }

    /// <summary>Every file under <paramref name="folder"/>, by relative path, with its SHA-256: "intact" means equal maps.</summary>
    public static SortedDictionary<string, string> Fingerprint(string folder)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file)] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return files;
    }
}
