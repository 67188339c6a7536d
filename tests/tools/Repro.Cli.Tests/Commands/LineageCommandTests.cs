using System.Text.Json;
using Repro.Artifacts;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary>`repro artifacts` and `repro dataset` against a home with real runs, objects and files.</summary>
[Collection(SequentialRuns.Name)]
public class LineageCommandTests
{
    private static readonly MetricDeclaration s_loss = new("cli_lineage_loss", options: new MetricOptions { Goal = MetricGoal.Minimize });

    [Fact]
    public void List_get_and_verify_an_artifact_and_a_folder_by_tag()
    {
        using var cli = new CliHarness();
        using var files = new TemporaryDirectory();
        File.WriteAllText(files.Combine("model.bin"), "weights-v1");
        Directory.CreateDirectory(files.Combine("export", "sub"));
        File.WriteAllText(files.Combine("export", "sub", "a.txt"), "a");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = cli.Home, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.LogScalar(s_loss, 1, 0.5);
            run.LogArtifact("model", files.Combine("model.bin"), new ArtifactOptions { Kind = ArtifactKind.Checkpoint });
            run.LogArtifact("export", files.Combine("export"));
        }

        var (listCode, listOutput, _) = cli.Invoke("artifacts", "list", runId, "--json");
        Assert.Equal(0, listCode);
        var rows = JsonDocument.Parse(listOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["model", "export"], rows.Select(row => row.GetProperty("name").GetString()));
        Assert.Equal(["best/cli_lineage_loss", "last"], rows[0].GetProperty("tags").EnumerateArray().Select(tag => tag.GetString()));

        var (getCode, getOutput, getError) = cli.Invoke("artifacts", "get", runId[..12], "best/cli_lineage_loss", "-o", files.Combine("out", "best.bin"));
        Assert.True(getCode == 0, getError);
        Assert.Contains("verified", getOutput, StringComparison.Ordinal);
        Assert.Equal("weights-v1", File.ReadAllText(files.Combine("out", "best.bin")));

        Assert.Equal(0, cli.Invoke("artifacts", "get", "latest", "export", "-o", files.Combine("out", "export")).ExitCode);
        Assert.Equal("a", File.ReadAllText(files.Combine("out", "export", "sub", "a.txt")));

        var (verifyCode, verifyOutput, _) = cli.Invoke("artifacts", "verify", runId);
        Assert.Equal(0, verifyCode);
        Assert.Contains("3 objects verified, all intact", verifyOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_object_fails_verify_and_get_and_an_unknown_tag_is_a_clear_error()
    {
        using var cli = new CliHarness();
        using var files = new TemporaryDirectory();
        File.WriteAllText(files.Combine("model.bin"), "weights");
        string runId;
        ArtifactRecord record;
        using (var run = Run.Start(new RunOptions { Home = cli.Home, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            record = run.LogArtifact("model", files.Combine("model.bin")).Wait();
        }

        var path = new ContentStore(cli.Home).PathOf(record.Sha256);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllText(path, "weightz");

        var (verifyCode, verifyOutput, _) = cli.Invoke("artifacts", "verify");
        Assert.Equal(1, verifyCode);
        Assert.Contains("corrupt", verifyOutput, StringComparison.Ordinal);
        var (getCode, _, getError) = cli.Invoke("artifacts", "get", runId, "model", "-o", files.Combine("copy.bin"));
        Assert.Equal(1, getCode);
        Assert.Contains(record.Sha256, getError, StringComparison.Ordinal);
        Assert.False(File.Exists(files.Combine("copy.bin")));
        var (tagCode, _, tagError) = cli.Invoke("artifacts", "get", runId, "best/accuracy", "-o", files.Combine("copy.bin"));
        Assert.Equal(1, tagCode);
        Assert.Contains("no artifact or tag 'best/accuracy'", tagError, StringComparison.Ordinal);
        Assert.Contains("names: model", tagError, StringComparison.Ordinal);
    }

    [Fact]
    public void Dataset_hash_prints_the_root_and_diff_compares_folders_and_runs()
    {
        using var cli = new CliHarness();
        using var data = new TemporaryDirectory();
        File.WriteAllText(data.Combine("a.txt"), "a");
        File.WriteAllText(data.Combine("b.txt"), "b");

        var (hashCode, hashOutput, _) = cli.Invoke("dataset", "hash", data.Path, "--json");
        Assert.Equal(0, hashCode);
        var json = JsonDocument.Parse(hashOutput).RootElement;
        Assert.Matches("^[0-9a-f]{64}$", json.GetProperty("root").GetString());
        Assert.Equal(2, json.GetProperty("files").GetInt64());
        Assert.Equal(2, json.GetProperty("bytes").GetInt64());
        Assert.Equal(Repro.Datasets.DatasetHasher.HashDirectory(data.Path).Root, json.GetProperty("root").GetString());

        string runId;
        using (var run = Run.Start(new RunOptions { Home = cli.Home, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.LogDataset("letters", data.Path);
        }

        Assert.Equal(0, cli.Invoke("dataset", "diff", runId + ":letters", data.Path).ExitCode);
        File.WriteAllText(data.Combine("b.txt"), "B");
        File.WriteAllText(data.Combine("c.txt"), "c");
        File.Delete(data.Combine("a.txt"));
        var (diffCode, diffOutput, _) = cli.Invoke("dataset", "diff", runId, data.Path);
        Assert.Equal(1, diffCode);
        Assert.Equal(["+ c.txt", "- a.txt", "~ b.txt", "1 added, 1 removed, 1 changed"], diffOutput.Trim().Split('\n').Select(line => line.TrimEnd()));
        var (missingCode, _, missingError) = cli.Invoke("dataset", "diff", runId + ":images", data.Path);
        Assert.Equal(1, missingCode);
        Assert.Contains("Datasets: letters", missingError, StringComparison.Ordinal);
    }
}
