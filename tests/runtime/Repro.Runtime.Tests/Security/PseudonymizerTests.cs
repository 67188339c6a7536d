using System.Text;
using Repro.Security;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Security;

/// <summary>Keyed pseudonyms: HMAC-SHA-256 as the standard defines it, joinable across runs, and the key never written.</summary>
[Collection(SequentialRuns.Name)]
public sealed class PseudonymizerTests
{
    private const string Key = "repro-test-key-0123456789";

    [Fact]
    public void A_pseudonym_is_the_truncated_HMAC_SHA_256_of_the_value_under_the_key_with_the_keys_id()
    {
        // Expected values computed independently with Python's hmac and hashlib.
        var pseudonymizer = new Pseudonymizer(Encoding.UTF8.GetBytes(Key));

        Assert.Equal("0916b4f5b94c3f5e", pseudonymizer.KeyId);
        Assert.Equal("pseudonym:0916b4f5b94c3f5e:4d9543087f16f14208c5c7a23d3a8b3b", pseudonymizer.Pseudonymize("alice@example.com"));
        Assert.Equal("pseudonym:0916b4f5b94c3f5e:444c7d13e07b1fb259e91550986e0321", pseudonymizer.Pseudonymize("Zoë"));
        Assert.Equal(pseudonymizer.Pseudonymize("bob"), new Pseudonymizer(Encoding.UTF8.GetBytes(Key)).Pseudonymize("bob"));
        var other = new Pseudonymizer(Encoding.UTF8.GetBytes(Key + "!"));
        Assert.NotEqual(pseudonymizer.Pseudonymize("bob"), other.Pseudonymize("bob"));
        Assert.NotEqual(pseudonymizer.KeyId, other.KeyId);
        Assert.True(Pseudonymizer.IsPseudonym(pseudonymizer.Pseudonymize("")));
        Assert.Throws<ArgumentException>(() => new Pseudonymizer(new byte[15]));
    }

    [Fact]
    public void Tags_named_to_pseudonymise_are_written_as_pseudonyms_with_the_key_id_and_neither_the_value_nor_the_key_is_in_any_file()
    {
        using var home = new TemporaryDirectory("repro-pseudonym");
        using var keyFile = new TemporaryDirectory("repro-pseudonym-key");
        File.WriteAllText(keyFile.Combine("key"), Key);
        var previous = (Environment.GetEnvironmentVariable(Pseudonymizer.KeyVariable), Environment.GetEnvironmentVariable(Pseudonymizer.KeyFileVariable));
        try
        {
            Environment.SetEnvironmentVariable(Pseudonymizer.KeyVariable, null);
            Environment.SetEnvironmentVariable(Pseudonymizer.KeyFileVariable, keyFile.Combine("key"));
            string runId;
            using (var run = Run.Start(new RunOptions
            {
                Home = home.Path,
                TelemetryInterval = TimeSpan.Zero,
                Tags = new Dictionary<string, string> { ["customer"] = "alice@example.com", ["phase"] = "sweep" },
                PseudonymizedTags = ["customer"],
            }))
            {
                runId = run.Id.ToString();
            }

            var manifest = new RunStore(home.Path).GetRun(runId);
            Assert.Equal("pseudonym:0916b4f5b94c3f5e:4d9543087f16f14208c5c7a23d3a8b3b", manifest.Tags["customer"]);
            Assert.Equal("sweep", manifest.Tags["phase"]);
            Assert.Equal("0916b4f5b94c3f5e", manifest.PseudonymKeyId);
            foreach (var file in Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories))
            {
                var bytes = File.ReadAllText(file, Encoding.Latin1);
                Assert.DoesNotContain("alice@example.com", bytes, StringComparison.Ordinal);
                Assert.DoesNotContain(Key, bytes, StringComparison.Ordinal);
            }

            // A [Hyperparameter(Sensitive = true)] value, nested in an array, becomes the same pseudonym.
            string configured;
            using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
            {
                configured = run.Id.ToString();
                run.RecordHyperparameters(new Repro.Tests.Shared.Runs.JsonConfiguration("""{"annotators":["alice@example.com","bob"],"epochs":3}""", ["annotators"]));
            }

            var recorded = new RunStore(home.Path).GetRun(configured);
            Assert.Equal(
                $$"""{"annotators":["pseudonym:0916b4f5b94c3f5e:4d9543087f16f14208c5c7a23d3a8b3b","{{new Pseudonymizer(Encoding.UTF8.GetBytes(Key)).Pseudonymize("bob")}}"],"epochs":3}""",
                System.Text.Json.JsonSerializer.Serialize(recorded.Hyperparameters!.Value));
            Assert.Equal("0916b4f5b94c3f5e", recorded.PseudonymKeyId);
            Assert.DoesNotContain(Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories), f => File.ReadAllText(f, Encoding.Latin1).Contains("alice@example.com", StringComparison.Ordinal));

            Environment.SetEnvironmentVariable(Pseudonymizer.KeyFileVariable, null);
            using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
            {
                var noKey = Assert.Throws<ArgumentException>(() => run.RecordHyperparameters(new Repro.Tests.Shared.Runs.JsonConfiguration("""{"annotators":["carol"]}""", ["annotators"])));
                Assert.Contains("declared Sensitive", noKey.Message, StringComparison.Ordinal);
                Assert.Null(run.Manifest.Hyperparameters);
            }

            var refused = Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions
            {
                Home = home.Path,
                Tags = new Dictionary<string, string> { ["customer"] = "bob" },
                PseudonymizedTags = ["customer"],
            }));
            Assert.Contains(Pseudonymizer.KeyVariable, refused.Message, StringComparison.Ordinal);
            Assert.Null(Run.Current);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Pseudonymizer.KeyVariable, previous.Item1);
            Environment.SetEnvironmentVariable(Pseudonymizer.KeyFileVariable, previous.Item2);
        }
    }
}
