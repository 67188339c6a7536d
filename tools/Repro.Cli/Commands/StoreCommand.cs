using System.CommandLine;
using Repro.Storage.Postgres;

namespace Repro.Cli.Commands;

/// <summary><c>repro store migrate</c>: creates or upgrades the central PostgreSQL store's tables.</summary>
internal static class StoreCommand
{
    public static Command Create(Option<string?> home)
    {
        var store = new Command("store", "Manage the central PostgreSQL store (docs/formats/postgres.md).");
        var address = StoreOption.Create();
        var migrate = new Command("migrate", "Create the store's tables, or apply the migrations it lacks, in order; safe to run again and from several machines at once.") { address };
        migrate.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var target = StoreOption.Required(parse.GetValue(address));
            var applied = PostgresStore.Migrate(target);
            context.Output.WriteLine(applied.Count == 0
                ? $"The store {target} is up to date (schema version {PostgresStore.SchemaVersion})."
                : $"Migrated the store {target} to schema version {PostgresStore.SchemaVersion} (applied {string.Join(", ", applied)}).");
            return ExitCodes.Success;
        }));
        store.Subcommands.Add(migrate);
        return store;
    }
}
