namespace Repro.Storage.Postgres;

/// <summary>The central store cannot be used as it is (missing or foreign schema, another shipper, an unreachable server); the message says what to do.</summary>
public sealed class PostgresStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PostgresStoreException()
    {
    }

    /// <summary>Creates the exception with a message that says what to do.</summary>
    public PostgresStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PostgresStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
