namespace Repro;

/// <summary>Thrown when hyperparameters cannot be bound or break their rules; lists every problem at once.</summary>
public sealed class HyperparameterException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="problems"/>.</summary>
    public HyperparameterException(IReadOnlyList<string> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception.</summary>
    public HyperparameterException()
        : this(Array.Empty<string>())
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public HyperparameterException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public HyperparameterException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems) => problems.Count switch
    {
        0 => "Invalid hyperparameters.",
        1 => "Invalid hyperparameters: " + problems[0],
        _ => $"Invalid hyperparameters ({problems.Count} problems):" + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)),
    };
}
