using Repro.Build.Tasks.TorchSharpCompat;
using Repro.Tests.Shared;

namespace Repro.Build.Tasks.Tests.TorchSharpCompat;

public class TorchSharpCompatBuildTests
{
    private const string Backward = """
        using TorchSharp;
        var x = torch.tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
        Console.WriteLine("grad=" + string.Join(",", x.grad!.data<float>().ToArray()));
        """;

    [Fact]
    public void TorchSharp_runs_only_with_the_compatibility_step_which_is_idempotent_and_optional()
    {
        using var project = new ScratchProject();
        project.WriteProject($"""
              <ItemGroup>
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            {ScratchProject.ReproImports}
            """);
        project.Write("Program.cs", Backward);
        project.InitGitAndCommit();
        var library = Path.Combine(project.Directory, "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        // A system whose libstdc++ already has GLIBCXX_3.4.32: nothing is done.
        var newLibStdCxx = project.Write("newer/libstdc++.so.6", string.Empty);
        File.WriteAllBytes(newLibStdCxx, ElfFixtures.LibStdCxxDefining3432());
        var untouched = project.Build($"ReproLibStdCxxPath={newLibStdCxx}").EnsureSuccess("build against a newer libstdc++");
        Assert.DoesNotContain("Repro: patched", untouched.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(ElfFixtures.LibTorchSharp), File.ReadAllBytes(library));

        // Switched off on this system: TorchSharp's native library cannot load (TorchSharp hides the
        // loader's reason; the ELF tests pin it down to GLIBCXX_3.4.32).
        project.Build("ReproTorchSharpCompat=false").EnsureSuccess("build with the step switched off");
        var failing = project.Run();
        Assert.NotEqual(0, failing.ExitCode);
        Assert.Contains("Failed to load native component LibTorchSharp", failing.All, StringComparison.Ordinal);

        // Default: one message, and a real backward pass runs.
        var patched = project.Build().EnsureSuccess("default build");
        Assert.Single(patched.Output.Split('\n'), l => l.Contains("Repro: patched", StringComparison.Ordinal));
        Assert.Equal("grad=2,4,6", project.Run().EnsureSuccess("the TorchSharp program").Output.Trim());

        // Again: nothing left to do, still runs, and the NuGet cache copy was never touched.
        var again = project.Build().EnsureSuccess("second default build");
        Assert.DoesNotContain("Repro: patched", again.Output, StringComparison.Ordinal);
        Assert.Equal("grad=2,4,6", project.Run().EnsureSuccess("the TorchSharp program").Output.Trim());
        Assert.Equal(LibTorchSharpPatcher.Outcome.Patched, LibTorchSharpPatcher.Patch(File.ReadAllBytes(ElfFixtures.LibTorchSharp)));
    }
}
