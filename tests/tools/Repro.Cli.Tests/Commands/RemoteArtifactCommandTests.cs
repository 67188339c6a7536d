using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Cli.Tests.Commands;

/// <summary>`repro artifacts url|push|verify|get` against a real S3-compatible server on loopback.</summary>
[Collection(SequentialRuns.Name)]
public sealed class RemoteArtifactCommandTests : IDisposable
{
    private const string Store = "s3://" + S3Server.Bucket + "/cli";
    private readonly CliHarness _cli = new();
    private readonly TemporaryDirectory _files = new("repro-cli-remote");
    private S3Server? _started;

    private S3Server Server => _started ??= S3Server.Start();

    public void Dispose()
    {
        _started?.Dispose();
        _cli.Dispose();
        _files.Dispose();
    }

    [SkippableFact]
    public async Task A_presigned_url_downloads_the_uploaded_checkpoint()
    {
        var runId = RecordRun(uploaded: true);

        var (code, output, error) = Invoke("artifacts", "url", runId, "last", "--expires", "10m");

        Assert.True(code == 0, error);
        using var http = new HttpClient();
        Assert.Equal("weights-v1", await http.GetStringAsync(new Uri(output.Trim())));
        Assert.Equal(2, Invoke("artifacts", "url", runId, "last", "--expires", "8d").ExitCode);
        Assert.Equal(2, Invoke("artifacts", "url", runId, "last", "--expires", "soon").ExitCode);
    }

    [SkippableFact]
    public void A_run_recorded_offline_is_pushed_once_and_then_verified_remotely()
    {
        var runId = RecordRun(uploaded: false);
        var (urlCode, _, urlError) = Invoke("artifacts", "url", runId, "last");
        Assert.Equal(2, urlCode);
        Assert.Contains("artifacts push", urlError, StringComparison.Ordinal);

        var (code, output, error) = Invoke("artifacts", "push", runId, "--store", Store);
        Assert.True(code == 0, error);
        Assert.Contains("3 uploaded, 0 already there, 0 failed", output, StringComparison.Ordinal);
        Assert.Contains("0 uploaded, 3 already there", Invoke("artifacts", "push", runId, "--store", Store).Output, StringComparison.Ordinal);

        var (verifyCode, verifyOutput, _) = Invoke("artifacts", "verify", runId, "--store", Store, "--json");
        Assert.Equal(0, verifyCode);
        var rows = JsonDocument.Parse(verifyOutput[..(verifyOutput.LastIndexOf(']') + 1)]).RootElement.EnumerateArray().ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal("ok", row.GetProperty("remote").GetString()));
    }

    [SkippableFact]
    public async Task Verify_reports_a_damaged_or_missing_remote_object_and_exits_1()
    {
        var runId = RecordRun(uploaded: true);
        var manifest = new Repro.Storage.RunStore(_cli.Home).GetRun(runId);
        var model = manifest.Lineage.Artifacts.Single(artifact => artifact.Name == "model").Sha256;
        var split = manifest.Lineage.Splits.Single().Sha256;
        using var client = Client();
        var address = RemoteStoreAddress.Parse(Store);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = S3Server.Bucket, Key = address.KeyOf(model), ContentBody = "weights-v2", UseChunkEncoding = false });
        await client.DeleteObjectAsync(S3Server.Bucket, address.KeyOf(split));

        var (code, output, _) = Invoke("artifacts", "verify", runId);

        Assert.Equal(1, code);
        var lines = output.Split('\n');
        Assert.Contains(lines, line => line.Contains(model, StringComparison.Ordinal) && line.Contains("corrupt", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains(split, StringComparison.Ordinal) && line.Contains("missing", StringComparison.Ordinal));
        Assert.Contains("2 of 3 objects are damaged or missing", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Get_fetches_objects_missing_here_from_the_remote_store_verified()
    {
        var runId = RecordRun(uploaded: true);
        var manifest = new Repro.Storage.RunStore(_cli.Home).GetRun(runId);
        var local = new ContentStore(_cli.Home);
        foreach (var artifact in manifest.Lineage.Artifacts)
        {
            File.Delete(local.PathOf(artifact.Sha256)); // another machine: the record without the local objects
        }

        var (code, output, error) = Invoke("artifacts", "get", runId, "best/cli_remote_loss", "-o", _files.Combine("out", "model.bin"));

        Assert.True(code == 0, error);
        Assert.Contains("fetched s3://", error, StringComparison.Ordinal);
        Assert.Contains("verified", output, StringComparison.Ordinal);
        Assert.Equal("weights-v1", File.ReadAllText(_files.Combine("out", "model.bin")));
    }

    [SkippableFact]
    public void Push_sends_the_uploads_a_run_left_owed()
    {
        var model = _files.Combine("model.bin");
        File.WriteAllText(model, "owed-weights");
        Server.Stop();
        using (var run = Run.Start(Options(uploaded: true, grace: TimeSpan.Zero)))
        {
            run.LogArtifact("model", model).Wait();
        }

        Assert.Single(new UploadJournal(_cli.Home, RemoteStoreAddress.Parse(Store)).Pending());
        var (noStore, _, noStoreError) = Invoke("artifacts", "push"); // no store named and none in the environment
        Assert.Equal(2, noStore);
        Assert.Contains("REPRO_ARTIFACT_STORE", noStoreError, StringComparison.Ordinal);
        Server.Resume();

        var (code, output, error) = Invoke("artifacts", "push", "--store", Store);

        Assert.True(code == 0, error);
        Assert.Contains("1 uploaded", output, StringComparison.Ordinal);
        Assert.Empty(new UploadJournal(_cli.Home, RemoteStoreAddress.Parse(Store)).Pending());
    }

    private string RecordRun(bool uploaded)
    {
        var model = _files.Combine("model.bin");
        File.WriteAllText(model, "weights-v1");
        File.WriteAllText(_files.Combine("notes.txt"), "notes");
        using var run = Run.Start(Options(uploaded, grace: TimeSpan.FromSeconds(30)));
        run.LogScalar(new MetricDeclaration("cli_remote_loss", options: new MetricOptions { Goal = MetricGoal.Minimize }), 1, 0.5);
        run.LogArtifact("model", model, new ArtifactOptions { Kind = ArtifactKind.Checkpoint });
        run.LogArtifact("notes", _files.Combine("notes.txt"));
        run.LogSplit("validation", [1, 3]);
        return run.Id.ToString();
    }

    private RunOptions Options(bool uploaded, TimeSpan grace) => new()
    {
        Home = _cli.Home,
        TelemetryInterval = TimeSpan.Zero,
        HookProcessEvents = false,
        WarningsToStandardError = false,
        ArtifactStore = uploaded ? Store : null,
        ArtifactStoreSettings = new S3StoreSettings { Endpoint = Server.Endpoint, FirstRetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(200) },
        ArtifactUploadGrace = grace,
    };

    private (int ExitCode, string Output, string Error) Invoke(params string[] args) =>
        _cli.Invoke([.. args, "--endpoint-url", Server.Endpoint.ToString()]);

    private AmazonS3Client Client() => new(new BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey), new AmazonS3Config
    {
        ServiceURL = Server.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
    });
}
