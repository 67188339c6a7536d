using Repro.Build.Tasks.Stamping;
using Repro.Tests.Shared;

namespace Repro.Build.Tasks.Tests.Provenance;

/// <summary>Secrets in a remote URL or a CI system's variables never reach the stamp, the patch or the assembly.</summary>
public class SecretsInStampsTests
{
    [Fact]
    public void Every_secret_form_in_the_remote_url_is_removed()
    {
        using var project = new ScratchProject();
        project.WriteProject(string.Empty);
        project.InitGitAndCommit();
        ChildProcess.Git(project.Directory, "remote", "add", "origin", "https://example.com/placeholder.git");

        foreach (var (name, text, secret) in SecretSamples.All.Where(sample => !sample.Text.Contains('\n', StringComparison.Ordinal)))
        {
            // As credentials where a URL can hold them, and anywhere else in the URL as it was configured.
            foreach (var url in new[] { $"https://user:{Uri.EscapeDataString(secret)}@example.com/model.git", $"https://example.com/model.git?{text}" })
            {
                ChildProcess.Git(project.Directory, "remote", "set-url", "origin", url);
                var recorded = GitState.Read(project.Directory).RemoteUrl ?? string.Empty;

                Assert.False(recorded.Contains(secret, StringComparison.Ordinal) || recorded.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal), $"{name} kept in {recorded}");
                Assert.StartsWith("https://example.com/model.git", recorded, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_real_build_with_secrets_in_the_remote_ci_variables_and_an_uncommitted_file_writes_none_of_them()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", "System.Console.WriteLine(1);\n");
        project.InitGitAndCommit();
        var token = SecretSamples.All.Single(s => s.Name == "GitHub classic token").Secret;
        ChildProcess.Git(project.Directory, "remote", "add", "origin", $"https://ci-bot:{token}@github.com/org/model.git");
        var settings = string.Join("\n", SecretSamples.All.Select(sample => sample.Text));
        project.Write("appsettings.local.txt", settings);
        var jwt = SecretSamples.All.Single(s => s.Name == "JWT").Text;

        project.BuildWith(new Dictionary<string, string>
        {
            ["JENKINS_URL"] = "https://ci.example.com/",
            ["BUILD_URL"] = $"https://admin:Tr41n3rPassw0rd@ci.example.com/job/model/5/?token={jwt}",
        }).EnsureSuccess("dotnet build");

        var written = Directory.EnumerateFiles(Path.Combine(project.Directory, "bin"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(project.Directory, "obj", "Debug", "net10.0", "repro")))
            .ToList();
        Assert.Contains(written, file => file.EndsWith(".provenance.patch", StringComparison.Ordinal));
        foreach (var file in written)
        {
            var content = System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var (name, _, secret) in SecretSamples.All)
            {
                Assert.False(content.Contains(secret, StringComparison.Ordinal), $"{name} found in {file}");
            }
        }
    }
}
