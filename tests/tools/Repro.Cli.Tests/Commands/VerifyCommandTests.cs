using System.Text.Json;
using Repro.Artifacts;
using Repro.Provenance;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

/// <summary><c>repro verify</c> on real runs, intact and then damaged in each part of the record it checks.</summary>
[Collection(SequentialRuns.Name)]
public sealed class VerifyCommandTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void An_intact_run_passes_every_check_it_can_make()
    {
        var id = Record();

        var (code, output, error) = _cli.Invoke("verify", id, "--json");

        Assert.True(code == 0, output + error);
        var checks = Checks(output);
        Assert.Equal("passed", checks["log/records and sequence"]);
        Assert.Equal("passed", checks["manifest/status and event count"]);
        Assert.Equal("passed", checks["manifest/best values"]);
        Assert.Equal("passed", checks["artifacts/stored objects"]);
        Assert.Equal("skipped", checks["build/stamped commit"]); // the test host carries no build stamp
    }

    [Fact]
    public void A_flipped_bit_in_the_log_fails_with_the_segment_and_offset()
    {
        var id = Record();
        var segment = Directory.GetFiles(Path.Combine(_cli.Home, "runs", id, "wal")).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(segment);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(segment, bytes);

        var (code, output, error) = _cli.Invoke("verify", id);

        Assert.Equal(1, code);
        Assert.Contains("failed verification", output, StringComparison.Ordinal);
        Assert.Contains("repro: log: records and sequence: " + Path.GetFileName(segment), error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_that_disagrees_with_its_log_fails()
    {
        var id = Record();
        var path = ReproHome.ManifestPath(ReproHome.RunDirectory(_cli.Home, id));
        var manifest = RunManifestJson.Read(path);
        RunManifestJson.Write(path, manifest with { Best = new SortedDictionary<string, BestValue>(StringComparer.Ordinal) { ["loss"] = new(0.001, 3, "minimize") } });

        var (code, output, _) = _cli.Invoke("verify", id, "--json");

        Assert.Equal(1, code);
        Assert.Equal("failed", Checks(output)["manifest/best values"]);
        Assert.Equal("passed", Checks(output)["log/records and sequence"]);
    }

    [Fact]
    public void A_damaged_artifact_fails_and_names_the_artifact()
    {
        var id = Record();
        var manifest = new RunStore(_cli.Home).GetRun(id);
        var object_ = new ContentStore(_cli.Home).PathOf(manifest.Lineage.Artifacts[0].Sha256);
        File.SetAttributes(object_, FileAttributes.Normal);
        File.AppendAllText(object_, "tampered");

        var (code, _, error) = _cli.Invoke("verify", id);

        Assert.Equal(1, code);
        Assert.Contains("repro: artifacts: artifact notes: corrupt", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stamped_commit_and_lock_files_are_checked_in_the_repository()
    {
        using var repository = new TemporaryDirectory("repro-verify-git");
        ChildProcess.Git(repository.Path, "init", "-q").EnsureSuccess("git init");
        File.WriteAllText(Path.Combine(repository.Path, "packages.lock.json"), "{\"version\": 1}\n");
        ChildProcess.Git(repository.Path, "add", ".").EnsureSuccess("git add");
        ChildProcess.Git(repository.Path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base").EnsureSuccess("git commit");
        var commit = ChildProcess.Git(repository.Path, "rev-parse", "HEAD").Output.Trim();
        var lockHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(repository.Path, "packages.lock.json"))));

        var good = Stamped(Record(), commit, lockHash);
        var checks = Checks(_cli.Invoke("verify", good, "--repository", repository.Path, "--json").Output);
        Assert.Equal("passed", checks["build/stamped commit"]);
        Assert.Equal("passed", checks["build/lock file packages.lock.json"]);

        var wrongLock = Stamped(Record(), commit, new string('a', 64));
        Assert.Equal("failed", Checks(_cli.Invoke("verify", wrongLock, "--repository", repository.Path, "--json").Output)["build/lock file packages.lock.json"]);

        var unknownCommit = Stamped(Record(), new string('b', 40), lockHash);
        var (code, output, _) = _cli.Invoke("verify", unknownCommit, "--repository", repository.Path, "--json");
        Assert.Equal(1, code);
        Assert.Equal("failed", Checks(output)["build/stamped commit"]);

        Assert.Equal(1, _cli.Invoke("verify", good, "--repository", _cli.Home).ExitCode); // not a repository: asked for, so a failure
    }

    private string Record()
    {
        var notes = Path.Combine(_cli.Home, "notes.txt");
        File.WriteAllText(notes, "evaluation notes\n");
        var run = Run.Start(new RunOptions { Home = _cli.Home, Name = "verify", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        for (var step = 0; step < 20; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        run.LogArtifact("notes", notes);
        run.Finish();
        Thread.Sleep(2);
        return run.Id.ToString();
    }

    /// <summary>Gives a run the stamp a clean build at <paramref name="commit"/> with one lock file would have given it.</summary>
    private string Stamped(string runId, string commit, string lockHash)
    {
        var path = ReproHome.ManifestPath(ReproHome.RunDirectory(_cli.Home, runId));
        var manifest = RunManifestJson.Read(path);
        var provenance = JsonDocument.Parse("{\"packages\":{\"lockFiles\":{\"packages.lock.json\":\"" + lockHash + "\"}}}").RootElement;
        RunManifestJson.Write(path, manifest with { Build = new BuildStamp(true, commit, false) { Provenance = provenance } });
        return runId;
    }

    private static Dictionary<string, string> Checks(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => $"{c.GetProperty("area").GetString()}/{c.GetProperty("subject").GetString()}", c => c.GetProperty("outcome").GetString()!);
    }
}
