using System.Text.Json;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests.Commands;

[Collection(SequentialRuns.Name)]
public class ProvenanceCommandTests
{
    [Fact]
    public void A_clean_build_passes_the_gate_and_a_dirty_one_does_not()
    {
        using var cli = new CliHarness();
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", "System.Console.WriteLine(1);\n");
        project.InitGitAndCommit();
        project.Build().EnsureSuccess("dotnet build");

        var table = cli.Invoke("provenance", project.OutputAssembly, "--require-clean");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(project.GitHead(), table.Output, StringComparison.Ordinal);

        var json = cli.Invoke("provenance", project.OutputAssembly, "--json");
        using (var document = JsonDocument.Parse(json.Output))
        {
            Assert.Equal(project.GitHead(), document.RootElement.GetProperty("git").GetProperty("commit").GetString());
        }

        project.Write("Program.cs", "System.Console.WriteLine(2);\n");
        project.Build().EnsureSuccess("dotnet build");
        var gate = cli.Invoke("provenance", project.OutputAssembly, "--require-clean");
        Assert.Equal(2, gate.ExitCode);
        Assert.Contains("uncommitted changes", gate.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_document_is_read_from_inside_the_assembly_not_from_the_file_beside_it()
    {
        using var cli = new CliHarness();
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", "System.Console.WriteLine(1);\n");
        project.InitGitAndCommit();
        project.Build().EnsureSuccess("dotnet build");
        File.Delete(project.ProvenanceFile);

        var json = cli.Invoke("provenance", project.OutputAssembly, "--json");

        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal(project.GitHead(), document.RootElement.GetProperty("git").GetProperty("commit").GetString());
    }

    [Fact]
    public void Unstamped_assemblies_and_runs_fail_the_gate_with_a_reason()
    {
        using var cli = new CliHarness();
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", "System.Console.WriteLine(1);\n");
        project.InitGitAndCommit();
        project.Build("ReproStamp=false").EnsureSuccess("dotnet build");
        var runId = cli.RecordRun("unstamped", 3);

        var assembly = cli.Invoke("provenance", project.OutputAssembly, "--require-clean");
        var run = cli.Invoke("provenance", runId, "--require-clean");

        Assert.Equal((2, 2), (assembly.ExitCode, run.ExitCode));
        Assert.Contains("no Repro build stamp", assembly.Error, StringComparison.Ordinal);
        Assert.Contains("no Repro build stamp", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_is_a_clear_error()
    {
        using var cli = new CliHarness();
        using var folder = new TemporaryDirectory();
        var text = Path.Combine(folder.Path, "notes.dll");
        File.WriteAllText(text, "not a PE file");

        var result = cli.Invoke("provenance", text);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("is not a .NET assembly", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.dll")]
    [InlineData("bin/Debug/net10.0/Trainer.exe")]
    public void A_file_that_does_not_exist_is_reported_as_missing_not_as_a_bad_run_id(string path)
    {
        using var cli = new CliHarness();

        var result = cli.Invoke("provenance", path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no such file", result.Error, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(path), result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("run id", result.Error.Split(':')[0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_built_outside_git_says_so_and_nothing_about_dirtiness_or_clones()
    {
        using var cli = new CliHarness();
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", "System.Console.WriteLine(1);\n");
        project.Build().EnsureSuccess("dotnet build");

        var result = cli.Invoke("provenance", project.OutputAssembly);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("not in a git repository", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dirty", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("full clone", result.Output, StringComparison.Ordinal);
    }
}
