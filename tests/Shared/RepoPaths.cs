using System.Reflection;

namespace Repro.Tests.Shared;

/// <summary>Paths inside this repository and its build output (artifacts/), as the tests see them.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root (the folder holding Repro.sln).</summary>
    public static string Root => s_root.Value;

    /// <summary>The build configuration the tests were built in, as artifacts/ spells it ("debug", "release").</summary>
    public static string Configuration { get; } =
        (typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug").ToLowerInvariant();

    /// <summary>A file in the build output of project <paramref name="project"/>.</summary>
    public static string Artifact(string project, string file)
    {
        var path = Path.Combine(Root, "artifacts", "bin", project, Configuration, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Build output {path} is missing; build Repro.sln in {Configuration} first.", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Repro.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Repro.sln above {AppContext.BaseDirectory}.");
    }
}
