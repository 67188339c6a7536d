using System.Text;

namespace Repro.TorchSharp.Determinism;

/// <summary>
/// The environment the process started with, which is what native libraries such as cuBLAS read. On Unix, .NET's
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only a managed copy, so the two can differ.
/// </summary>
internal static class StartupEnvironment
{
    /// <summary>The variable as the process started with it (Linux: /proc/self/environ), else as .NET sees it.</summary>
    public static string? Get(string name)
    {
        if (OperatingSystem.IsLinux() && ReadProcEnviron() is { } startup)
        {
            return startup.TryGetValue(name, out var value) ? value : null;
        }

        return Environment.GetEnvironmentVariable(name);
    }

    private static Dictionary<string, string>? ReadProcEnviron()
    {
        try
        {
            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/environ")).Split('\0'))
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    variables[entry[..equals]] = entry[(equals + 1)..];
                }
            }

            return variables;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
