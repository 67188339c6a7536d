using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Events;
using Repro.Runtime.Tests.Faults;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Artifacts.Remote;

/// <summary>
/// Runs that upload their artifacts to a real S3-compatible server: the normal path, the same bytes from two runs,
/// an outage while uploading, a run that ends with uploads owed, and a killed uploading process.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RemoteUploadTests : IDisposable
{
    private const string Store = "s3://" + S3Server.Bucket + "/team";
    private readonly TemporaryDirectory _home = new();
    private readonly TemporaryDirectory _files = new("repro-upload-src");
    private S3Server? _started;

    private S3Server Server => _started ??= S3Server.Start();

    public void Dispose()
    {
        _started?.Dispose();
        _home.Dispose();
        _files.Dispose();
    }

    [SkippableFact]
    public async Task A_finished_run_uploads_every_object_it_references_and_records_the_remote_location()
    {
        var model = Write("model.bin", 70_000, seed: 1);
        var folder = Path.Combine(_files.Path, "samples");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.txt"), "first");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "second");

        string runId;
        using (var run = StartRun())
        {
            runId = run.Id.ToString();
            run.LogArtifact("model", model, new ArtifactOptions { Kind = ArtifactKind.Checkpoint });
            run.LogArtifact("samples", folder, new ArtifactOptions { Kind = ArtifactKind.SampleOutput });
            run.LogSplit("validation", [4, 9, 14]);
        }

        var manifest = new RunStore(_home.Path).GetRun(runId);
        var address = RemoteStoreAddress.Parse(Store);
        Assert.All(manifest.Lineage.Artifacts, artifact => Assert.Equal(address.LocationOf(artifact.Sha256), artifact.Location));
        using var remote = Remote();
        var local = new ContentStore(_home.Path);
        var expected = new List<string> { manifest.Lineage.Splits.Single().Sha256 };
        foreach (var artifact in manifest.Lineage.Artifacts)
        {
            expected.Add(artifact.Sha256);
            if (artifact.MediaType == FolderListing.MediaType)
            {
                expected.AddRange(FolderListing.Decode(local.ReadAllBytes(artifact.Sha256)).Select(file => file.Sha256));
            }
        }

        Assert.Equal(5, expected.Distinct().Count()); // the file, the folder's two files and listing, the split
        foreach (var hash in expected)
        {
            Assert.Equal(hash, await remote.HashAsync(hash));
        }

        Assert.Empty(JournalEntries());
        Assert.DoesNotContain(Warnings(runId), warning => warning.Contains("not yet uploaded", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void The_same_artifact_from_two_runs_is_uploaded_once()
    {
        var model = Write("model.bin", 50_000, seed: 2);
        var sent = new List<(long Uploaded, long Skipped)>();
        for (var i = 0; i < 2; i++)
        {
            using var run = StartRun();
            var uploader = run.Uploader!;
            run.LogArtifact("model", model).Wait();
            Assert.True(uploader.WaitIdle(TimeSpan.FromSeconds(30)), uploader.LastError);
            sent.Add((uploader.Remote.ObjectsUploaded, uploader.Remote.ObjectsSkipped));
        }

        Assert.Equal([(1L, 0L), (0L, 1L)], sent);
    }

    [SkippableFact]
    public async Task An_outage_while_uploading_delays_the_upload_and_loses_nothing()
    {
        var model = Write("model.bin", 30_000, seed: 3);
        Server.Stop();
        string runId;
        string hash;
        using (var run = StartRun(grace: TimeSpan.FromSeconds(60)))
        {
            runId = run.Id.ToString();
            hash = run.LogArtifact("model", model).Wait().Sha256;
            var uploader = run.Uploader!;
            WaitUntil(() => uploader.LastError is not null, "the first upload to fail");
            Assert.Equal(1, uploader.Pending);
            Assert.Single(JournalEntries());
            Server.Resume();
        }

        using var remote = Remote();
        Assert.Equal(hash, await remote.HashAsync(hash));
        Assert.Empty(JournalEntries());
        Assert.DoesNotContain(Warnings(runId), warning => warning.Contains("not yet uploaded", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Uploads_owed_at_the_end_are_recorded_and_the_next_run_sends_them()
    {
        var model = Write("model.bin", 20_000, seed: 4);
        Server.Stop();
        string firstRun;
        string hash;
        using (var run = StartRun(grace: TimeSpan.Zero))
        {
            firstRun = run.Id.ToString();
            hash = run.LogArtifact("model", model).Wait().Sha256;
        }

        Assert.Equal([hash], JournalEntries());
        Assert.Contains(Warnings(firstRun), warning => warning.Contains("1 object(s) not yet uploaded", StringComparison.Ordinal));

        Server.Resume();
        using (var next = StartRun())
        {
            Assert.True(next.Uploader!.WaitIdle(TimeSpan.FromSeconds(30)), next.Uploader.LastError);
        }

        using var remote = Remote();
        Assert.Equal(hash, await remote.HashAsync(hash));
        Assert.Empty(JournalEntries());
    }

    [SkippableFact]
    public async Task A_killed_uploading_process_leaves_its_uploads_to_the_next_process()
    {
        var model = Write("model.bin", 40_000, seed: 5);
        Server.Stop();
        string hash;
        using (var child = new CrashChildProcess("upload", _home.Path, Server.Endpoint.ToString(), Store, model))
        {
            child.WaitForRunId();
            hash = WaitForLine(child, "QUEUED ");
            child.Kill();
        }

        Assert.Equal([hash], JournalEntries());
        Server.Resume();
        using (var next = new CrashChildProcess("resume", _home.Path, Server.Endpoint.ToString(), Store))
        {
            next.WaitForRunId();
            Assert.Equal("0", WaitForLine(next, "PENDING "));
            Assert.Equal(0, next.WaitForExit());
        }

        using var remote = Remote();
        Assert.Equal(hash, await remote.HashAsync(hash));
        Assert.Empty(JournalEntries());
    }

    [SkippableFact]
    public void Credentials_used_for_uploads_never_reach_any_file_repro_writes()
    {
        const string secret = "S3rverNotRecordedSecretValue0123456789abcd";
        var model = Write("model.bin", 10_000, seed: 6);
        // s3rver checks signatures against its own key, so this run's uploads are refused: the point is that the key
        // it was given never appears in the record, not that the upload succeeds.
        using (var run = StartRun(grace: TimeSpan.FromSeconds(2), settings: Settings(accessKey: "AKIAREPRONOTRECORDED", secretKey: secret)))
        {
            run.LogArtifact("model", model).Wait();
            WaitUntil(() => run.Uploader!.LastError is not null, "the refused upload");
            Assert.DoesNotContain(secret, run.Uploader!.LastError!, StringComparison.Ordinal);
        }

        foreach (var file in Directory.EnumerateFiles(_home.Path, "*", SearchOption.AllDirectories))
        {
            var text = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("AKIAREPRONOTRECORDED", text, StringComparison.Ordinal);
        }
    }

    private Run StartRun(TimeSpan? grace = null, S3StoreSettings? settings = null) => Run.Start(new RunOptions
    {
        Home = _home.Path,
        TelemetryInterval = TimeSpan.Zero,
        HookProcessEvents = false,
        WarningsToStandardError = false,
        ArtifactStore = Store,
        ArtifactStoreSettings = settings ?? Settings(),
        ArtifactUploadGrace = grace ?? TimeSpan.FromSeconds(30),
    });

    private S3StoreSettings Settings(string? accessKey = null, string? secretKey = null) => new()
    {
        Endpoint = Server.Endpoint,
        AccessKeyId = accessKey,
        SecretAccessKey = secretKey,
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    private S3ObjectStore Remote() => new(RemoteStoreAddress.Parse(Store), Settings());

    /// <summary>The hashes the upload journal of the store still owes.</summary>
    private List<string> JournalEntries() =>
        new UploadJournal(_home.Path, RemoteStoreAddress.Parse(Store)).Pending().ToList();

    private List<string> Warnings(string runId) =>
        new RunStore(_home.Path).ReadEvents(runId)
            .Where(e => e.ValueCase == Event.ValueOneofCase.Text && e.Text.Level == Text.Types.Level.Warning)
            .Select(e => e.Text.Message)
            .ToList();

    private string Write(string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_files.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string WaitForLine(CrashChildProcess child, string prefix)
    {
        string? line = null;
        WaitUntil(() => (line = child.Lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))) is not null, prefix.Trim() + " from the child");
        return line![prefix.Length..].Trim();
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            Thread.Sleep(20);
        }
    }
}
