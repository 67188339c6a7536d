namespace Repro.Artifacts;

/// <summary>
/// A stored object's bytes no longer hash to its name: the disk, a copy or a person changed it. The object is
/// never returned as good; <see cref="ObjectName"/> and <see cref="Path"/> say which one and where.
/// </summary>
public sealed class CorruptObjectException : IOException
{
    /// <summary>Creates the exception for the object <paramref name="objectName"/> stored at <paramref name="path"/>.</summary>
    public CorruptObjectException(string objectName, string path, string actualHash)
        : base($"Stored object {objectName} is corrupt: its bytes at {path} hash to {actualHash}. It was not used. "
            + "Restore it from another copy (the S3 store, a backup) or log the artifact again; `repro artifacts verify` lists every damaged object.")
    {
        ObjectName = objectName;
        Path = path;
        ActualHash = actualHash;
    }

    /// <summary>Creates the exception with a message.</summary>
    public CorruptObjectException()
        : this("(unknown)", "(unknown)", "(unknown)")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CorruptObjectException(string message)
        : base(message)
    {
        ObjectName = Path = ActualHash = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CorruptObjectException(string message, Exception innerException)
        : base(message, innerException)
    {
        ObjectName = Path = ActualHash = string.Empty;
    }

    /// <summary>The SHA-256 name the object is stored under.</summary>
    public string ObjectName { get; }

    /// <summary>Where the damaged object lies.</summary>
    public string Path { get; }

    /// <summary>What its bytes hash to now.</summary>
    public string ActualHash { get; }
}
