using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Repro.Analyzers.Tests.Verification;

/// <summary>
/// Analyzer tests compiled against .NET 8 reference assemblies plus the real TorchSharp 0.107 and TorchVision
/// assemblies, optionally with an .editorconfig that declares <c>repro_target_device</c>.
/// </summary>
public static class TorchAnalyzerTest
{
    /// <summary>Usings every snippet starts with: the spellings users write (torch., using static, F alias).</summary>
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    public static IEnumerable<MetadataReference> TorchReferences { get; } =
    [
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torchvision).Assembly.Location),
    ];

    /// <summary>
    /// A test of <typeparamref name="TAnalyzer"/> on <paramref name="source"/> (markup allowed). Snippets are
    /// declared training code (<c>ReproCodeKind</c>), so every rule applies; pass <paramref name="codeKind"/> null to
    /// let the analyzers classify the code themselves.
    /// </summary>
    public static CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> Create<TAnalyzer>(string source, string? device = null, string? codeKind = "training")
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = ReferenceAssemblies.Net.Net80,
        };
        Configure(test.TestState, device);
        if (codeKind is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/codekind.globalconfig", $"is_global = true\nbuild_property.ReproCodeKind = {codeKind}\n"));
        }

        return test;
    }

    /// <summary>Adds the TorchSharp references and, when given, the device declaration to <paramref name="state"/>.</summary>
    public static void Configure(SolutionState state, string? device)
    {
        state.AdditionalReferences.AddRange(TorchReferences);
        if (device is not null)
        {
            state.AnalyzerConfigFiles.Add(("/.editorconfig", $"root = true\n\n[*]\nrepro_target_device = {device}\n"));
        }
    }

    /// <summary>Wraps <paramref name="statements"/> in a method with tensors, a seed and a folder in scope.</summary>
    public static string InMethod(string statements) => Usings + $$"""
        class Trainer
        {
            void Train(Tensor x, Tensor index, Tensor src, Tensor w, long seed, int workers, string folder)
            {
                {{statements}}
            }
        }
        """;
}
