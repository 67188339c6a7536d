using System.CommandLine;
using Repro.Cli.Rendering;
using Repro.Cli.Rerun;
using Repro.Comparison;

namespace Repro.Cli.Commands;

/// <summary><c>repro rerun &lt;run&gt;</c>: rebuild the run's program from its record, run it again, and diff the two runs.</summary>
internal static class RerunCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run to re-execute (an id, a unique beginning of one, or 'latest')." };
        var repository = new Option<string?>("--repository") { Description = "The git repository holding the stamped commit (default: the one around the current folder)." };
        var project = new Option<string?>("--project") { Description = "The project to build, relative to the repository root (default: the one named after the program's assembly)." };
        var threads = new Option<int?>("--threads") { Description = "Run with this many threads in the numerics libraries (OMP_NUM_THREADS, MKL_NUM_THREADS), for experiments." };
        var device = new Option<string?>("--device") { Description = "Run on 'cpu' (no GPU visible) or 'cuda:N' (only GPU N visible), for experiments." };
        var rerun = new Command("rerun", "Check out the stamped commit into a temporary worktree, apply the kept patch of a dirty build, restore in locked mode, build, run the program with the recorded arguments and environment into a new run that records rerunOf, and diff the two runs. Exit 0 when identical, 1 when they differ or the rerun is refused.") { runId, repository, project, threads, device };
        rerun.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var deviceValue = parse.GetValue(device);
            if (deviceValue is not null && deviceValue != "cpu" && !(deviceValue.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(deviceValue.AsSpan(5), out var index) && index >= 0))
            {
                throw new FormatException($"--device '{deviceValue}' is not a device: write cpu or cuda:N (for example cuda:0).");
            }

            if (parse.GetValue(threads) is <= 0)
            {
                throw new FormatException("--threads must be a positive number.");
            }

            var original = context.Store.GetRun(context.RunId(parse.GetValue(runId)!));
            string rerunId;
            try
            {
                rerunId = Rerunner.Rerun(original, context.Store.Home, new RerunOptions(parse.GetValue(repository), parse.GetValue(project), parse.GetValue(threads), deviceValue), context.Output);
            }
            catch (RerunRefusedException e)
            {
                context.Error.WriteLine($"repro: rerun refused: {e.Message}");
                return ExitCodes.Failure;
            }

            context.Output.WriteLine($"Rerun {rerunId} of {original.RunId} finished; comparing:");
            var diff = RunDiff.Compare(context.Store, original.RunId, rerunId);
            DiffTables.Write(context.Console, diff);
            return diff.Identical ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return rerun;
    }
}
