using System.CommandLine;
using Repro.Storage.Postgres;

namespace Repro.Cli.Commands;

/// <summary>The <c>--store</c> option of the commands that read runs: the central PostgreSQL store, or the local home.</summary>
internal static class StoreOption
{
    /// <summary>The value that reads the local home even when <c>REPRO_STORE</c> is set.</summary>
    public const string Local = "local";

    public static Option<string?> Create() => new("--store")
    {
        Description = $"Read runs from the central store at this postgres://user@host:port/database address (default: ${PostgresStoreAddress.EnvironmentVariable}; "
            + $"'{Local}' reads the local home even when it is set). Give the password through PGPASSWORD or ~/.pgpass.",
    };

    /// <summary>The store a command reads: the option's value, else <c>REPRO_STORE</c>; null for the local home.</summary>
    /// <exception cref="ArgumentException">The address is not a PostgreSQL address.</exception>
    public static PostgresStoreAddress? Resolve(string? typed)
    {
        if (string.Equals(typed, Local, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(typed) ? PostgresStoreAddress.FromEnvironment() : PostgresStoreAddress.Parse(typed);
    }

    /// <summary>The store a command that needs one (migrate, push) uses: the option's value, else <c>REPRO_STORE</c>.</summary>
    /// <exception cref="ArgumentException">Neither names a store.</exception>
    public static PostgresStoreAddress Required(string? typed) =>
        Resolve(typed) ?? throw new ArgumentException($"No central store given: pass --store postgres://user@host:port/database or set {PostgresStoreAddress.EnvironmentVariable}.");
}
