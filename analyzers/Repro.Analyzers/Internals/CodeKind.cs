using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Repro.Analyzers.Internals;

/// <summary>What a project's code does with models, which decides whether training-only hazards apply.</summary>
internal enum CodeKind
{
    /// <summary>Runs backward passes: every rule applies.</summary>
    Training,

    /// <summary>Runs models forward only: hazards of the backward pass cannot occur.</summary>
    Inference,

    /// <summary>A test project: training-only hazards are quiet unless the project says it trains.</summary>
    Test,
}

/// <summary>
/// Classifies code as training, inference or test. Declared with <c>repro_code_kind = training | inference | test</c>
/// in .editorconfig (per file) or the MSBuild property <c>ReproCodeKind</c> (per project); otherwise inferred once
/// per compilation: a project that references xUnit, NUnit or MSTest is a test project; else one whose source calls
/// <c>backward(</c> (a tensor's backward pass or <c>torch.autograd.backward</c>) trains; else it only infers.
/// </summary>
internal sealed class CodeKinds
{
    /// <summary>The .editorconfig key.</summary>
    public const string OptionKey = "repro_code_kind";

    /// <summary>The MSBuild property, made visible to the analyzers by Repro.props.</summary>
    public const string BuildPropertyKey = "build_property.ReproCodeKind";

    private static readonly string[] s_testFrameworks = { "xunit.core", "xunit.v3.core", "nunit.framework", "Microsoft.VisualStudio.TestPlatform.TestFramework", "TUnit.Core" };

    private readonly Lazy<CodeKind> _inferred;
    private readonly AnalyzerOptions _options;

    public CodeKinds(Compilation compilation, AnalyzerOptions options, CancellationToken cancellation)
    {
        _options = options;
        _inferred = new Lazy<CodeKind>(() => Infer(compilation, cancellation), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The kind of the code in <paramref name="tree"/>.</summary>
    public CodeKind For(SyntaxTree tree)
    {
        if (_options.AnalyzerConfigOptionsProvider.GetOptions(tree).TryGetValue(OptionKey, out var value)
            || _options.AnalyzerConfigOptionsProvider.GlobalOptions.TryGetValue(BuildPropertyKey, out value))
        {
            switch (value.Trim().ToUpperInvariant())
            {
                case "TRAINING":
                    return CodeKind.Training;
                case "INFERENCE":
                    return CodeKind.Inference;
                case "TEST":
                    return CodeKind.Test;
            }

            // An unknown value counts as training, so a typo never hides a warning.
            return value.Trim().Length == 0 ? _inferred.Value : CodeKind.Training;
        }

        return _inferred.Value;
    }

    /// <summary>Whether the compilation references xUnit, NUnit, MSTest or TUnit: a test project.</summary>
    public static bool ReferencesTestFramework(Compilation compilation) =>
        compilation.ReferencedAssemblyNames.Any(assembly => s_testFrameworks.Contains(assembly.Name, StringComparer.OrdinalIgnoreCase));

    private static CodeKind Infer(Compilation compilation, CancellationToken cancellation)
    {
        if (ReferencesTestFramework(compilation))
        {
            return CodeKind.Test;
        }

        // A text search, not a walk of every operation: the cost is one pass over the source text per compilation.
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (tree.GetText(cancellation).ToString().IndexOf("backward(", StringComparison.Ordinal) >= 0)
            {
                return CodeKind.Training;
            }
        }

        return CodeKind.Inference;
    }
}
