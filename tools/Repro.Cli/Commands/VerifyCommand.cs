using System.CommandLine;
using System.Text.Json;
using Repro.Artifacts;
using Repro.Cli.Verification;
using Repro.Storage;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro verify &lt;run&gt;</c>: can this run's record be trusted? Its log, its manifest, its build stamp, its data and artifacts.</summary>
internal static class VerifyCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run to verify (an id, a unique beginning of one, or 'latest')." };
        var repository = new Option<string?>("--repository") { Description = "The git repository to look for the stamped commit in (default: the one around the current folder)." };
        var json = new Option<bool>("--json") { Description = "Print every check as JSON, for scripts." };
        var verify = new Command("verify", "Check a run's record: every log record's CRC and sequence, the manifest against the log, the stamped commit and lock files in the repository, every stored object and dataset root. Exit 1 with the reasons on any failure.") { runId, repository, json };
        verify.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var id = context.RunId(parse.GetValue(runId)!);
            var manifest = context.Store.GetRun(id);
            var checks = RunLogAudit.Audit(context.Store, id)
                .Concat(BuildAudit.Audit(manifest, parse.GetValue(repository)))
                .Concat(LineageAudit.Audit(manifest, new ContentStore(context.Store.Home)))
                .ToList();
            var failed = checks.Count(c => c.Outcome == CheckOutcome.Failed);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    run = id,
                    verified = failed == 0,
                    checks = checks.Select(c => new { area = c.Area, subject = c.Subject, outcome = c.Outcome.ToString().ToLowerInvariant(), detail = c.Detail }),
                }, Indented));
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Area").AddColumn("Check").AddColumn("Result").AddColumn("Detail");
                foreach (var check in checks)
                {
                    table.AddRow(Markup.Escape(check.Area), Markup.Escape(check.Subject), Outcome(check.Outcome), Markup.Escape(check.Detail));
                }

                context.Console.Write(table);
                context.Output.WriteLine(failed == 0
                    ? $"Run {id} verified: {checks.Count(c => c.Outcome == CheckOutcome.Passed)} checks passed, {checks.Count(c => c.Outcome == CheckOutcome.Skipped)} skipped."
                    : $"Run {id} failed verification: {failed} of {checks.Count} checks failed.");
            }

            foreach (var check in checks.Where(c => c.Outcome == CheckOutcome.Failed))
            {
                context.Error.WriteLine($"repro: {check.Area}: {check.Subject}: {check.Detail}");
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return verify;
    }

    private static string Outcome(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Passed => "[green]passed[/]",
        CheckOutcome.Failed => "[red]failed[/]",
        _ => "[yellow]skipped[/]",
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
