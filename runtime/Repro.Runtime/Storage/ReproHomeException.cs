namespace Repro.Storage;

/// <summary>
/// The Repro home (or a folder or file in it) cannot be created, read or written. The message names
/// the path, the cause and what to do; <see cref="Path"/> holds the path.
/// </summary>
public sealed class ReproHomeException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public ReproHomeException(string path, Exception cause)
        : base(Describe(path, cause), cause)
    {
        Path = path;
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReproHomeException()
        : this("(unknown)", new IOException("unknown cause"))
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ReproHomeException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ReproHomeException(string message, Exception innerException, string path)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The folder or file that could not be used.</summary>
    public string Path { get; }

    private static string Describe(string path, Exception cause)
    {
        var reason = cause switch
        {
            UnauthorizedAccessException => "permission denied",
            DirectoryNotFoundException => "a parent folder does not exist",
            PathTooLongException => "the path is too long",
            IOException io when io.HResult is 28 or unchecked((int)0x80070070) => "no space left on the device",
            IOException io when io.HResult is 30 => "the file system is read-only",
            IOException io when io.HResult is 20 => "a part of the path is a file, not a folder",
            _ => cause.Message,
        };
        return $"Repro cannot write to {path}: {reason}. Set {ReproHome.EnvironmentVariable} (or RunOptions.Home) to a folder you can write, or fix the folder's permissions.";
    }
}
