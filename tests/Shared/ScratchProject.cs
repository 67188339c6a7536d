namespace Repro.Tests.Shared;

/// <summary>
/// A throw-away console project in a temporary folder (optionally a git repository), built and run
/// with the real `dotnet` CLI, the way a user's project is.
/// </summary>
internal sealed class ScratchProject : IDisposable
{
    private readonly TemporaryDirectory _directory = new("repro-scratch");

    public ScratchProject(string name = "Scratch")
    {
        Name = name;
    }

    public string Name { get; }

    public string Directory => _directory.Path;

    public string OutputAssembly => Path.Combine(Directory, "bin", "Debug", "net10.0", Name + ".dll");

    /// <summary>Imports of Repro's build/ props and targets, using the task assembly built in this repository.</summary>
    public static string ReproImports => $"""
          <PropertyGroup>
            <ReproTasksAssembly>{RepoPaths.Artifact("Repro.Build.Tasks", "Repro.Build.Tasks.dll")}</ReproTasksAssembly>
          </PropertyGroup>
          <Import Project="{Path.Combine(RepoPaths.Root, "msbuild", "Repro.Build.Tasks", "build", "Repro.props")}" />
          <Import Project="{Path.Combine(RepoPaths.Root, "msbuild", "Repro.Build.Tasks", "build", "Repro.targets")}" />
        """;

    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Writes the project file: a net10.0 console app with <paramref name="body"/> inside &lt;Project&gt;.</summary>
    public void WriteProject(string body) => Write(Name + ".csproj", $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
          </PropertyGroup>
        {body}
        </Project>
        """);

    /// <summary>Makes the folder a git repository with everything committed (bin/ and obj/ ignored).</summary>
    public void InitGitAndCommit()
    {
        Write(".gitignore", "bin/\nobj/\n");
        ChildProcess.Git(Directory, "init", "-q");
        Commit("initial");
    }

    public void Commit(string message)
    {
        ChildProcess.Git(Directory, "add", "-A");
        ChildProcess.Git(Directory, "commit", "-q", "-m", message);
    }

    public string GitHead() => ChildProcess.Git(Directory, "rev-parse", "HEAD").Output.Trim();

    public ProcessResult Build(params string[] properties) => BuildWith(new Dictionary<string, string>(), properties);

    /// <summary>Builds with extra environment variables (for example a CI system's).</summary>
    public ProcessResult BuildWith(IReadOnlyDictionary<string, string> environment, params string[] properties) =>
        ChildProcess.Run("dotnet", ["build", "-nologo", "-v:n", .. properties.Select(p => "-p:" + p)], Directory, environment, TimeSpan.FromMinutes(8));

    /// <summary>The provenance file the build wrote beside the assembly.</summary>
    public string ProvenanceFile => Path.ChangeExtension(OutputAssembly, ".provenance.json");

    public ProcessResult Run(IReadOnlyDictionary<string, string>? environment = null) =>
        ChildProcess.Run("dotnet", [OutputAssembly], Directory, environment, TimeSpan.FromMinutes(2));

    public void Dispose() => _directory.Dispose();
}
