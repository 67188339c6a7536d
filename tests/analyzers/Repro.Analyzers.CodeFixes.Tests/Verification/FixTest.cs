using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Repro.Analyzers.CodeFixes.Tests.Verification;

/// <summary>
/// Code fix tests against .NET 8 and the real TorchSharp assembly. The testing library also applies Fix All in
/// document, project and solution scope and compares the result, so every test with several diagnostics checks
/// Fix All as well.
/// </summary>
public static class FixTest
{
    public const string Usings = """
        using System;
        using System.IO;
        using System.Linq;
        using TorchSharp;
        using static TorchSharp.torch;

        """;

    public static Task Verify<TAnalyzer, TFixer>(string source, string fixedSource, params string[] extraSources)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFixer : CodeFixProvider, new() =>
        Verify<TAnalyzer, TFixer>(source, fixedSource, OutputKind.DynamicallyLinkedLibrary, CodeFixTestBehaviors.None, extraSources);

    /// <param name="behaviors">
    /// <see cref="CodeFixTestBehaviors.SkipLocalDiagnosticCheck"/> for compilation-end rules: their diagnostics are
    /// non-local by nature, and the IDE offers their fixes in full-solution analysis.
    /// </param>
    public static Task Verify<TAnalyzer, TFixer>(string source, string fixedSource, OutputKind kind, CodeFixTestBehaviors behaviors, params string[] extraSources)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFixer : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TFixer, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
        };
        test.CodeFixTestBehaviors |= behaviors;
        test.TestState.OutputKind = kind;
        test.FixedState.OutputKind = kind;
        var torch = MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location);
        test.TestState.AdditionalReferences.Add(torch);
        test.FixedState.AdditionalReferences.Add(torch);
        foreach (var extra in extraSources)
        {
            test.TestState.Sources.Add(("/0/Extra" + test.TestState.Sources.Count + ".cs", extra));
            test.FixedState.Sources.Add(("/0/Extra" + test.FixedState.Sources.Count + ".cs", extra));
        }

        return test.RunAsync();
    }
}
