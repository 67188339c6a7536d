using Repro.Tests.Shared;

namespace Repro.Cli.Tests;

/// <summary>A Repro home with recorded runs, and a way to run `repro` against it in-process.</summary>
internal sealed class CliHarness : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private readonly TemporaryDirectory _home = new("repro-cli");

    public string Home => _home.Path;

    public string RecordRun(string name, int scalars, bool fail = false)
    {
        var run = Run.Start(new RunOptions { Home = Home, Name = name, TelemetryInterval = TimeSpan.Zero });
        for (var step = 0; step < scalars; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        run.RecordSeed("torch.cpu", 42);
        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        Thread.Sleep(2); // distinct ULID timestamps, so "newest first" is well defined
        return run.Id.ToString();
    }

    public (int ExitCode, string Output, string Error) Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ReproCli.Invoke([.. args, "--home", Home], output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => _home.Dispose();
}

