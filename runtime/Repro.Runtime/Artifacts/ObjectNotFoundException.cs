namespace Repro.Artifacts;

/// <summary>A content name, artifact name or tag that the store or the run does not hold.</summary>
public sealed class ObjectNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception with a message that names what is missing and where it was looked for.</summary>
    public ObjectNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ObjectNotFoundException()
        : base("The object was not found.")
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
