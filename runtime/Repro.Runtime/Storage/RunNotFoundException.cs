namespace Repro.Storage;

/// <summary>Thrown when a run id names no run in the Repro home.</summary>
public sealed class RunNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="runId"/> missing from <paramref name="home"/>.</summary>
    public RunNotFoundException(string runId, string home)
        : base($"No run {runId} in {home}.")
    {
        RunId = runId;
        Home = home;
    }

    /// <summary>Creates the exception with a message.</summary>
    public RunNotFoundException()
        : this("(unknown)", "(unknown)")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RunNotFoundException(string message)
        : base(message)
    {
        RunId = string.Empty;
        Home = string.Empty;
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public RunNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = string.Empty;
        Home = string.Empty;
    }

    /// <summary>The run id that was looked for.</summary>
    public string RunId { get; }

    /// <summary>The Repro home that was searched.</summary>
    public string Home { get; }
}
