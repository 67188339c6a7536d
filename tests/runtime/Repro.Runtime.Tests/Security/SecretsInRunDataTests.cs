using Repro.Runs;
using Repro.Security;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Security;

/// <summary>Secrets that reach Repro through the run's own API: hyperparameters, failures, text, tags.</summary>
[Collection(SequentialRuns.Name)]
public class SecretsInRunDataTests
{
    private const string Password = "hunter2-Plain";
    private const string DeclaredSecret = "s3://bucket/data?presigned-looking-but-plain";

    [Fact]
    public void Secret_hyperparameters_are_recorded_as_a_keyed_hash_that_matches_across_runs_of_one_home_only()
    {
        using var home = new TemporaryDirectory("repro-hp-secret");
        using var otherHome = new TemporaryDirectory("repro-hp-secret-2");
        var first = RecordConfiguration(home.Path);
        var second = RecordConfiguration(home.Path);
        var elsewhere = RecordConfiguration(otherHome.Path);

        foreach (var json in new[] { first, second, elsewhere })
        {
            Assert.DoesNotContain(Password, json, StringComparison.Ordinal);
            Assert.DoesNotContain(DeclaredSecret, json, StringComparison.Ordinal);
            Assert.DoesNotContain("PlainWandbKey", json, StringComparison.Ordinal);
            Assert.Contains("\"learning_rate\":0.01", json, StringComparison.Ordinal);
            Assert.Contains("\"dataset\":\"moons\"", json, StringComparison.Ordinal);
            Assert.Contains("\"db_password\":\"hmac-sha256:", json, StringComparison.Ordinal);
            Assert.Contains("\"source\":\"hmac-sha256:", json, StringComparison.Ordinal);
        }

        Assert.Equal(first, second); // same home, same key: "same password?" can be answered
        Assert.NotEqual(first, elsewhere); // another home's key: the hash alone proves nothing
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(home.Path, HyperparameterRedaction.KeyFileName)));
        }
    }

    [Fact]
    public void Failure_messages_stacks_text_events_and_tags_are_redacted_in_every_file()
    {
        using var home = new TemporaryDirectory("repro-run-secrets");
        var run = Run.Start(new RunOptions { Home = home.Path, WarningsToStandardError = false });
        var runId = run.Id.ToString();
        var tagged = new MetricDeclaration("loss", tags: new Dictionary<string, string> { ["api_token"] = "TagTokenPlain", ["node"] = "postgres://ml:TagUrlSecret@db/runs" });
        run.LogScalar(tagged, 1, 0.5);
        run.LogText($"connecting with password={Password}");
        run.RecordCheckpoint("https://trainer:CheckpointUrlSecret@store.example.com/ckpt/1", 1);
        Exception failure;
        try
        {
            throw new InvalidOperationException("could not reach postgres://ml:FailureUrlSecret@db.example.com/runs");
        }
        catch (InvalidOperationException e)
        {
            failure = e;
        }

        run.Fail(failure);

        Assert.Contains("could not reach", new RunStore(home.Path).GetRun(runId).Failure, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories))
        {
            var content = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var secret in new[] { Password, "TagTokenPlain", "TagUrlSecret", "CheckpointUrlSecret", "FailureUrlSecret" })
            {
                Assert.False(content.Contains(secret, StringComparison.Ordinal), $"{secret} found in {file}");
            }
        }
    }

    private static string RecordConfiguration(string home)
    {
        using var run = Run.Start(new RunOptions { Home = home, WarningsToStandardError = false });
        run.RecordHyperparameters(new Configuration());
        return run.Manifest.Hyperparameters!.Value.GetRawText();
    }

    private sealed class Configuration : IHyperparameters
    {
        // Canonical: keys sorted ordinally, no whitespace.
        private static readonly string s_json =
            $"{{\"dataset\":\"moons\",\"db_password\":\"{Password}\",\"learning_rate\":0.01,\"source\":\"{DeclaredSecret}\",\"wandb\":{{\"api_key\":\"PlainWandbKey\"}}}}";

        public IReadOnlyCollection<string> SecretKeys => ["source"];

        public string ToCanonicalJson() => s_json;

        public string ComputeHash() => Repro.Hyperparameters.CanonicalJson.Sha256(s_json);

        public IReadOnlyList<string> Validate() => [];

        public void Bind(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment)
        {
        }

        public string ToSummary() => "(test configuration)";
    }
}
