using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Security;

/// <summary>
/// A real process is started with every secret form in its environment (under names Repro records) and on its
/// command line; after its run, no file in the Repro home contains any of them.
/// </summary>
public class SecretsNeverWrittenTests
{
    [Fact]
    public void No_secret_from_the_environment_or_command_line_reaches_any_file_repro_writes()
    {
        using var home = new TemporaryDirectory();
        var environment = new Dictionary<string, string>();
        var arguments = new List<string> { RepoPaths.Artifact("Repro.Runtime.CrashChild", "Repro.Runtime.CrashChild.dll"), "finish", home.Path, "100" };
        for (var i = 0; i < SecretSamples.All.Count; i++)
        {
            var text = SecretSamples.All[i].Text;
            // Innocent names under recorded prefixes, so only the value patterns stand between the secret and the manifest.
            environment[$"REPRO_NOTE_{i}"] = text;
            environment[$"TORCH_EXTRA_{i}"] = "prefix " + text;
            arguments.Add(text);
            arguments.Add("--comment=" + text);
        }

        arguments.AddRange(["--password", "plain-hunter2-value", "--api-key", "PlainApiKeyValue"]);
        var result = ChildProcess.Run("dotnet", arguments, home.Path, environment).EnsureSuccess("the child run");
        var runId = result.Output.Split('\n').Single(line => line.StartsWith("RUN ", StringComparison.Ordinal))[4..].Trim();

        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.Contains(manifest.Environment.Variables.Keys, name => name.StartsWith("REPRO_NOTE_", StringComparison.Ordinal));
        Assert.True(manifest.Environment.CommandLine.Count > SecretSamples.All.Count, "the command line is recorded");

        var files = Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var content = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var (name, _, secret) in SecretSamples.All)
            {
                Assert.False(content.Contains(secret, StringComparison.Ordinal), $"{name} found in {file}");
            }

            Assert.DoesNotContain("plain-hunter2-value", content, StringComparison.Ordinal);
            Assert.DoesNotContain("PlainApiKeyValue", content, StringComparison.Ordinal);
        }
    }
}
