using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;
using Repro.TorchSharp.Determinism;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Tests.Determinism;

public class TorchDeterminismTests
{
    [Fact]
    public void The_report_holds_what_torch_and_the_process_say()
    {
        manual_seed(42);
        var threads = get_num_threads();
        set_num_threads(2);
        IReadOnlyDictionary<string, string> facts;
        try
        {
            facts = TorchDeterminism.Capture().Facts;
        }
        finally
        {
            set_num_threads(threads);
        }

        Assert.Equal("42", facts["torch.cpu.initial_seed"]);
        Assert.Equal("2", facts["torch.num_threads"]);
        Assert.Equal(get_num_interop_threads().ToString(System.Globalization.CultureInfo.InvariantCulture), facts["torch.num_interop_threads"]);
        Assert.Equal(cuda.is_available() ? "true" : "false", facts["torch.cuda.available"]);
        Assert.Equal(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), facts["dotnet.processor_count"]);
        Assert.Equal(Environment.GetEnvironmentVariable("CUBLAS_WORKSPACE_CONFIG") ?? "unset", facts["env.CUBLAS_WORKSPACE_CONFIG"]);
        Assert.True(facts["torch.backends.cudnn.allow_tf32"] is "true" or "false", facts["torch.backends.cudnn.allow_tf32"]);
        Assert.StartsWith("unavailable", facts["torch.deterministic_algorithms"], StringComparison.Ordinal);
        Assert.Equal(facts.Keys.Order(StringComparer.Ordinal), facts.Keys);
    }

    [Theory]
    [InlineData(true, null, null, 1)]
    [InlineData(true, ":8:8", ":8:8", 1)]
    [InlineData(true, ":4096:8", ":4096:8", 0)]
    [InlineData(true, ":16:8", ":16:8", 0)]
    [InlineData(false, null, null, 0)]
    [InlineData(false, null, ":4096:8", 1)]
    [InlineData(true, null, ":4096:8", 2)]
    public void Cuda_without_a_deterministic_cublas_workspace_at_start_is_a_warning(bool cudaAvailable, string? atStart, string? inProcess, int expected)
    {
        var warnings = TorchDeterminism.Warnings(cudaAvailable, atStart, inProcess);

        Assert.Equal(expected, warnings.Count);
        Assert.All(warnings, warning => Assert.Contains("CUBLAS_WORKSPACE_CONFIG", warning, StringComparison.Ordinal));
    }

    [Fact]
    public void The_startup_environment_is_what_the_process_started_with_not_what_dotnet_changed_later()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // /proc/self/environ is Linux-only; elsewhere the managed environment is the only one Repro reads.
        }

        const string name = "REPRO_TEST_SET_AFTER_START";
        Environment.SetEnvironmentVariable(name, "changed");
        try
        {
            Assert.Null(StartupEnvironment.Get(name));
            Assert.Equal(Environment.GetEnvironmentVariable("PATH"), StartupEnvironment.Get("PATH"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Recording_puts_the_report_in_the_manifest()
    {
        using var home = new TemporaryDirectory();
        string runId;
        DeterminismReport recorded;
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            recorded = TorchDeterminism.Record(run);
        }

        var manifest = new RunStore(home.Path).GetRun(runId);
        Assert.NotNull(manifest.Determinism);
        Assert.Equal(recorded.Facts, manifest.Determinism.Facts);
        Assert.Equal(recorded.Warnings, manifest.Determinism.Warnings);
        Assert.Contains("\"determinism\"", RunManifestJson.Serialize(manifest), StringComparison.Ordinal);
    }
}
