using Repro.Tests.Shared;

namespace Repro.Build.Tasks.Tests.Stamping;

public class StampBuildTests
{
    private const string PrintStamp = """
        using System.Reflection;
        foreach (var a in typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Where(a => a.Key.StartsWith("Repro.Build.", StringComparison.Ordinal)))
        {
            Console.WriteLine($"{a.Key}={a.Value}");
        }
        """;

    [Fact]
    public void The_stamp_follows_commits_and_edits_through_real_builds()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", PrintStamp);
        project.InitGitAndCommit();

        Assert.Equal((project.GitHead(), "false"), BuildAndReadStamp(project));

        project.Write("Program.cs", PrintStamp + "\n// an uncommitted edit\n");
        Assert.Equal((project.GitHead(), "true"), BuildAndReadStamp(project));

        project.Commit("second");
        var second = project.GitHead();
        Assert.Equal((second, "false"), BuildAndReadStamp(project));

        // Untracked files count: `git diff HEAD` alone would miss them.
        project.Write("notes.txt", "not yet committed");
        Assert.Equal((second, "true"), BuildAndReadStamp(project));
    }

    [Fact]
    public void Outside_a_repository_the_build_warns_and_succeeds_without_a_commit()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", PrintStamp);

        var build = project.Build().EnsureSuccess("dotnet build");

        Assert.Contains("warning REPRO4001", build.Output, StringComparison.Ordinal);
        var stamp = project.Run().EnsureSuccess("the scratch program").Output;
        Assert.Contains("Repro.Build.Commit=\n", stamp.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Stamping_can_be_switched_off()
    {
        using var project = new ScratchProject();
        project.WriteProject(ScratchProject.ReproImports);
        project.Write("Program.cs", PrintStamp);
        project.InitGitAndCommit();

        project.Build("ReproStamp=false").EnsureSuccess("dotnet build");

        Assert.Equal(string.Empty, project.Run().EnsureSuccess("the scratch program").Output.Trim());
    }

    private static (string Commit, string Dirty) BuildAndReadStamp(ScratchProject project)
    {
        var build = project.Build().EnsureSuccess("dotnet build");
        Assert.DoesNotContain("warning", build.Output.Replace("0 Warning(s)", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        var lines = project.Run().EnsureSuccess("the scratch program").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (lines["Repro.Build.Commit"], lines["Repro.Build.Dirty"]);
    }
}
