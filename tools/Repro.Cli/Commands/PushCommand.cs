using System.CommandLine;
using System.Globalization;
using Repro.Storage;
using Repro.Storage.Postgres;

namespace Repro.Cli.Commands;

/// <summary><c>repro push [&lt;run&gt;…]</c>: ships runs recorded offline (or whose live shipping was cut short) to the central store.</summary>
internal static class PushCommand
{
    public static Command Create(Option<string?> home)
    {
        var runIds = new Argument<string[]>("runs") { Description = "The runs to ship (ids, unique beginnings, or 'latest'); every run of the home when none is given.", Arity = ArgumentArity.ZeroOrMore };
        var address = StoreOption.Create();
        var push = new Command("push", "Ship runs from the local home to the central store: what the store lacks of each run's log, and its manifest. Safe to repeat and to interrupt: nothing is sent twice.") { runIds, address };
        push.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var target = StoreOption.Required(parse.GetValue(address));
            context.RequireHome();
            var typed = parse.GetValue(runIds) ?? [];
            var ids = typed.Length == 0
                ? context.Store.ListRuns((folder, reason) => context.Error.WriteLine($"repro: skipped {folder}: {reason}")).Select(m => m.RunId).Reverse().ToList()
                : typed.Select(context.Store.ResolveRunId).Distinct(StringComparer.Ordinal).ToList();
            var failed = 0;
            using var shipper = new PostgresShipper(target, context.Store);
            foreach (var id in ids)
            {
                try
                {
                    var result = shipper.Ship(id);
                    shipper.Release(id);
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{id}: sent {result.Scalars} scalar(s) and {result.Events} other event(s); {target} holds events 1 to {result.Cursor}."));
                    foreach (var problem in result.Problems)
                    {
                        context.Error.WriteLine($"repro: {id}: damaged log, not shipped: {problem}");
                    }
                }
                catch (ShipperBusyException e)
                {
                    context.Error.WriteLine($"repro: {e.Message}");
                    failed++;
                }
            }

            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return push;
    }
}
