using System.CommandLine;
using System.Globalization;
using Repro.Storage;
using Repro.Storage.Maintenance;

namespace Repro.Cli.Commands;

/// <summary><c>repro runs redact &lt;run&gt; --value … --reason …</c>: removes personal data from a run on request.</summary>
internal static class RedactCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var values = new Option<string[]>("--value") { Description = $"Text to remove wherever the run recorded it (repeat for several; at least {RunRedactor.MinimumLength} characters).", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (an erasure request, say); recorded in the audit log, the values are not.", Required = true };
        var redact = new Command("redact", $"Replace given text with {RunRedactor.Replacement} in everything an ended run recorded (its log's events, manifest and annotations), rewriting its log crash-safely; the index is rebuilt; recorded in the audit log by count.") { runId, values, reason };
        redact.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var id = context.RunId(parse.GetValue(runId)!);
            var result = RunRedactor.Redact(context.Store, id, parse.GetValue(values) ?? [], parse.GetValue(reason)!);
            if (File.Exists(RunIndex.PathOf(context.Store.Home)))
            {
                RunIndex.Rebuild(context.Store); // the index holds a copy of every event
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Run {id}: {result.Replacements} occurrence(s) replaced with {RunRedactor.Replacement}, {result.EventsChanged} event(s) rewritten. Copies made earlier (exports, the central store, artifacts) are not changed."));
            return 0;
        }));
        return redact;
    }
}
