using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Repro.Analyzers.Internals;

/// <summary>Where the code runs, as the user declares it with <c>repro_target_device</c> in .editorconfig.</summary>
internal enum TargetDevice
{
    /// <summary>Not declared, or <c>any</c>: every rule applies.</summary>
    Any,

    /// <summary><c>cpu</c>: rules about CUDA kernels stay silent.</summary>
    Cpu,

    /// <summary><c>cuda</c>: rules about CPU-only behaviour stay silent; CUDA is assumed without seeing it in code.</summary>
    Cuda,
}

/// <summary>The devices on which a problem occurs.</summary>
internal enum DeviceScope
{
    /// <summary>On every device.</summary>
    Any,

    /// <summary>Only on CPU tensors.</summary>
    Cpu,

    /// <summary>Only on CUDA tensors.</summary>
    Cuda,
}

internal static class TargetDevices
{
    /// <summary>The .editorconfig key.</summary>
    public const string OptionKey = "repro_target_device";

    /// <summary>The same setting as an MSBuild property (<c>&lt;ReproTargetDevice&gt;cpu&lt;/ReproTargetDevice&gt;</c>), made visible by Repro.props.</summary>
    public const string BuildPropertyKey = "build_property.ReproTargetDevice";

    /// <summary>
    /// The declared device for <paramref name="tree"/>: the .editorconfig key for its file, else the project's
    /// MSBuild property. Unknown values count as <c>any</c>, so a typo never hides a warning.
    /// </summary>
    public static TargetDevice For(AnalyzerOptions options, SyntaxTree tree)
    {
        if (!options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(OptionKey, out var value)
            && !options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(BuildPropertyKey, out value))
        {
            return TargetDevice.Any;
        }

        return value.Trim().ToUpperInvariant() switch
        {
            "CPU" => TargetDevice.Cpu,
            "CUDA" => TargetDevice.Cuda,
            _ => TargetDevice.Any,
        };
    }

    /// <summary>Whether a problem that occurs on <paramref name="scope"/> can occur where the code is declared to run.</summary>
    public static bool CanOccur(this TargetDevice target, DeviceScope scope) => scope switch
    {
        DeviceScope.Cuda => target != TargetDevice.Cpu,
        DeviceScope.Cpu => target != TargetDevice.Cuda,
        _ => true,
    };

    /// <summary>How a diagnostic message names <paramref name="scope"/>.</summary>
    public static string Describe(this DeviceScope scope) => scope switch
    {
        DeviceScope.Cuda => "CUDA",
        DeviceScope.Cpu => "CPU",
        _ => "every device",
    };
}
