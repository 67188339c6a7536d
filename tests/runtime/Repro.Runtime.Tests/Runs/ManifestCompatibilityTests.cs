using Repro.Runs;

namespace Repro.Runtime.Tests.Runs;

public class ManifestCompatibilityTests
{
    // A manifest as Repro wrote it before provenance, environment capture and determinism reports.
    private const string EarlierManifest = """
        {
          "schemaVersion": 1,
          "runId": "01M8D2XNSQ4T9ECBMS95A2PBRX",
          "name": "moons-classifier",
          "status": "finished",
          "startedAt": "2026-11-26T23:26:00+00:00",
          "endedAt": "2026-11-26T23:26:01+00:00",
          "build": { "stamped": true, "commit": "286f86657a108444f3d1f1830d64938020d52945", "dirty": false },
          "environment": { "host": "vm", "processId": 1, "operatingSystem": "Debian", "framework": ".NET 10", "processorCount": 2 },
          "seeds": { "torch.cpu": 7 },
          "lastSequence": 10,
          "droppedEvents": 0,
          "best": {}
        }
        """;

    [Fact]
    public void A_manifest_written_before_the_new_fields_reads_with_empty_collections()
    {
        var manifest = RunManifestJson.Deserialize(EarlierManifest, "old.json");

        Assert.Empty(manifest.Warnings);
        Assert.Empty(manifest.ReferencedBuilds);
        Assert.Empty(manifest.Environment.Gpus);
        Assert.Empty(manifest.Environment.CommandLine);
        Assert.Empty(manifest.Environment.Variables);
        Assert.Empty(manifest.Environment.Libraries);
        Assert.Null(manifest.Determinism);
        Assert.Null(manifest.Build.Provenance);
        Assert.Equal("286f86657a108444f3d1f1830d64938020d52945", manifest.Build.Commit);
    }

    [Fact]
    public void A_new_manifest_round_trips()
    {
        var manifest = RunManifestJson.Deserialize(EarlierManifest, "old.json") with
        {
            Warnings = ["dirty"],
            Environment = RunManifestJson.Deserialize(EarlierManifest, "old.json").Environment with
            {
                Gpus = [new GpuInfo(0, "NVIDIA H100", "550.54.15", "12.4", 81559)],
                CommandLine = ["train.dll", "--epochs", "5"],
            },
        };

        var again = RunManifestJson.Deserialize(RunManifestJson.Serialize(manifest), "new.json");

        Assert.Equal(manifest.Warnings, again.Warnings);
        Assert.Equal(manifest.Environment.Gpus, again.Environment.Gpus);
        Assert.Equal(manifest.Environment.CommandLine, again.Environment.CommandLine);
    }
}
