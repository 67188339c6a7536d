namespace Repro.Datasets;

/// <summary>
/// A dataset could not be fingerprinted: a file changed or vanished while it was hashed, could not be read, a
/// symbolic link loops or leads outside the dataset's root. <see cref="Path"/> names the file or folder.
/// </summary>
public sealed class DatasetException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public DatasetException(string message, string path, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Creates the exception.</summary>
    public DatasetException()
        : this("The dataset could not be fingerprinted.", string.Empty)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public DatasetException(string message)
        : this(message, string.Empty)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DatasetException(string message, Exception innerException)
        : this(message, string.Empty, innerException)
    {
    }

    /// <summary>The file or folder the problem is about.</summary>
    public string Path { get; }
}
