using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Runs;

/// <summary>The job id that ties a distributed job's ranks together, read as launchers set it.</summary>
[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class JobIdTests
{
    [Theory]
    [InlineData("REPRO_JOB_ID", "sweep-12", "sweep-12")]
    [InlineData("TORCHELASTIC_RUN_ID", "rdzv-7f3a", "rdzv-7f3a")]
    [InlineData("SLURM_JOB_ID", "4815162", "4815162")]
    [InlineData("PBS_JOBID", "1234.pbs-server", "1234.pbs-server")]
    [InlineData("LSB_JOBID", "99", "99")]
    public void Each_launcher_s_variable_names_the_job(string variable, string value, string expected)
    {
        Assert.Equal(expected, RunOptions.ResolveJobId(null, name => name == variable ? value : null));
    }

    [Fact]
    public void The_option_wins_then_the_first_variable_set_and_torchrun_s_default_is_no_job()
    {
        var environment = new Dictionary<string, string> { ["TORCHELASTIC_RUN_ID"] = "none", ["SLURM_JOB_ID"] = "77", ["LSB_JOBID"] = "88" };
        string? Lookup(string name) => environment.GetValueOrDefault(name);

        Assert.Equal("mine", RunOptions.ResolveJobId("mine", Lookup));
        Assert.Equal("77", RunOptions.ResolveJobId(null, Lookup));
        Assert.Null(RunOptions.ResolveJobId(null, name => name == "TORCHELASTIC_RUN_ID" ? "none" : null));
        Assert.Null(RunOptions.ResolveJobId("  ", _ => null));
    }

    [Fact]
    public void A_job_id_is_redacted_like_any_recorded_text_and_a_control_character_is_refused()
    {
        Assert.DoesNotContain("hunter2", RunOptions.ResolveJobId("https://alice:hunter2@ci.example/job/5", _ => null), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { JobId = "job\n5", Home = Path.GetTempPath() }));
    }
}
