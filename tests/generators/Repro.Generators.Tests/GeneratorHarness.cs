using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Repro.Generators.Tests;

/// <summary>Runs Repro's generators over source text the way the compiler does, and compiles the result.</summary>
internal static class GeneratorHarness
{
    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation CreateCompilation(params string[] sources) => CSharpCompilation.Create(
        "GeneratorTest" + Guid.NewGuid().ToString("N"),
        sources.Select(s => CSharpSyntaxTree.ParseText(s, s_parseOptions)),
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Run).Assembly.Location)],
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(params IIncrementalGenerator[] generators) =>
        CSharpGeneratorDriver.Create(
            generators.Select(GeneratorExtensions.AsSourceGenerator),
            parseOptions: s_parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the updated compilation and every diagnostic (compiler's included).</summary>
    public static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics, GeneratorDriverRunResult Result) Run(IIncrementalGenerator generator, params string[] sources)
    {
        var driver = CreateDriver(generator).RunGeneratorsAndUpdateCompilation(CreateCompilation(sources), out var output, out var generatorDiagnostics);
        return (output, [.. generatorDiagnostics, .. output.GetDiagnostics()], driver.GetRunResult());
    }

    /// <summary>Emits <paramref name="compilation"/> and loads it beside the already-loaded Repro.Runtime.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        image.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(image);
    }
}
