using Npgsql;

namespace Repro.Storage.Postgres;

/// <summary>Administration of the central PostgreSQL store: creating and upgrading its tables.</summary>
public static class PostgresStore
{
    /// <summary>The schema version this Repro reads and writes.</summary>
    public const int SchemaVersion = PostgresSchema.CurrentVersion;

    /// <summary>
    /// Creates the store's tables (in the <c>repro</c> schema) or applies the migrations it lacks, in order, each in its
    /// own transaction under an advisory lock: safe to repeat and to run from several machines at once.
    /// </summary>
    /// <returns>The versions applied; none when the store was up to date.</returns>
    /// <exception cref="PostgresStoreException">The store is of a newer version than this Repro.</exception>
    /// <exception cref="NpgsqlException">The server cannot be reached or refused.</exception>
    public static IReadOnlyList<int> Migrate(PostgresStoreAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        using var connection = new NpgsqlConnection(address.ConnectionString);
        connection.Open();
        return PostgresSchema.Migrate(connection, address.Display);
    }
}
