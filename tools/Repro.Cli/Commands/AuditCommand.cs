using System.CommandLine;
using System.Globalization;
using Repro.Storage.Audit;

namespace Repro.Cli.Commands;

/// <summary><c>repro audit [--verify]</c>: the home's tamper-evident log of administrative actions.</summary>
internal static class AuditCommand
{
    public static Command Create(Option<string?> home)
    {
        var verify = new Option<bool>("--verify") { Description = "Check the hash chain: exit 1 naming every altered, removed or reordered record." };
        var audit = new Command("audit", "List the home's audit log of administrative actions (who, when, what, why), oldest first.") { verify };
        audit.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            if (!parse.GetValue(verify))
            {
                foreach (var record in AuditLog.Read(context.Store.Home))
                {
                    var details = string.Join(", ", record.Details.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{record.Sequence,5}  {record.Time}  {record.User}@{record.Host}  {record.Action}{(record.Runs.Count > 0 ? " " + string.Join(' ', record.Runs) : "")}{(details.Length > 0 ? $" ({details})" : "")}{(record.Reason.Length > 0 ? $"  reason: {record.Reason}" : "")}"));
                }

                return 0;
            }

            var result = AuditLog.Verify(context.Store.Home);
            foreach (var problem in result.Problems)
            {
                context.Error.WriteLine($"repro: {AuditLog.PathOf(context.Store.Home)} {problem}");
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(result.Intact ? "Intact" : "Broken")}: {result.Records} record(s); head {result.Head} (keep it elsewhere to detect a cut-off tail later)."));
            return result.Intact ? 0 : 1;
        }));
        return audit;
    }
}
