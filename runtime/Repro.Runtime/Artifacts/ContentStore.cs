using System.Buffers;
using System.Security.Cryptography;
using Repro.Storage;

namespace Repro.Artifacts;

/// <summary>What storing content produced: its SHA-256 name, its size, and whether the store already held it.</summary>
/// <param name="Hash">SHA-256 of the content, 64 lowercase hexadecimal digits.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="AlreadyStored">True when identical content was already in the store and nothing new was written.</param>
public readonly record struct StoredObject(string Hash, long Size, bool AlreadyStored);

/// <summary>
/// The content-addressed object store under <c>$REPRO_HOME/objects</c>: every object is named by the SHA-256 of
/// its bytes, written to a temporary file, fsynced, renamed into place (its folder fsynced) and made read-only;
/// identical content is stored once; every read rehashes and refuses bytes that no longer match their name.
/// Layout and guarantees: <c>docs/formats/artifacts.md</c>. Safe for concurrent use by threads and processes.
/// </summary>
public sealed class ContentStore
{
    private const int BufferSize = 1 << 20;
    private static readonly TimeSpan StaleTemporaryAge = TimeSpan.FromHours(24);

    /// <summary>Opens (without creating anything yet) the store of the Repro home <paramref name="home"/>.</summary>
    public ContentStore(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Root = Path.Combine(Path.GetFullPath(home), "objects");
    }

    /// <summary>The store's folder: <c>$REPRO_HOME/objects</c>.</summary>
    public string Root { get; }

    private string ObjectsFolder => Path.Combine(Root, "sha256");

    private string TemporaryFolder => Path.Combine(Root, "tmp");

    /// <summary>Where the object named <paramref name="hash"/> lies (whether or not it is stored): <c>objects/sha256/ab/abcd…</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="hash"/> is not a SHA-256 content name.</exception>
    public string PathOf(string hash)
    {
        ContentHash.Validate(hash, nameof(hash));
        return Path.Combine(ObjectsFolder, hash[..2], hash);
    }

    /// <summary>Whether an object named <paramref name="hash"/> is stored (its bytes are not checked; see <see cref="Verify"/>).</summary>
    public bool Contains(string hash) => File.Exists(PathOf(hash));

    /// <summary>
    /// Moves an existing object's modification time to now when content is stored again: <c>repro gc</c> removes only
    /// unreferenced objects older than its grace time, so an object a running run is about to reference is never
    /// taken for garbage. A time that cannot be set (another owner) is left as it is.
    /// </summary>
    private static void Freshen(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Kept: at worst gc sees an older time and the grace period still has to pass without a reference.
        }
    }

    /// <summary>Every stored object's name, in ordinal order.</summary>
    public IReadOnlyList<string> List()
    {
        if (!Directory.Exists(ObjectsFolder))
        {
            return [];
        }

        return Directory.EnumerateFiles(ObjectsFolder, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName)
            .Where(ContentHash.IsValid)
            .Order(StringComparer.Ordinal)
            .ToList()!;
    }

    /// <summary>Stores the rest of <paramref name="content"/>, hashing it while it is copied (one read).</summary>
    /// <exception cref="ReproHomeException">The store cannot be written (permissions, a full disk); nothing was stored.</exception>
    public StoredObject Put(Stream content, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Store(content, expectedLength: null, cancellation);
    }

    /// <summary>Stores <paramref name="bytes"/>.</summary>
    public StoredObject Put(ReadOnlyMemory<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return Store(stream, bytes.Length, CancellationToken.None);
    }

    /// <summary>
    /// Stores the file at <paramref name="path"/>, hashing it while it is copied. A file that changes or vanishes
    /// while it is read is an error, and nothing is stored for it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The file changed while it was stored, or could not be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public StoredObject PutFile(string path, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var before = new FileInfo(path);
        if (!before.Exists)
        {
            throw new FileNotFoundException($"Cannot store {path}: there is no such file.", path);
        }

        var (length, written) = (before.Length, before.LastWriteTimeUtc);
        StoredObject stored;
        using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
        {
            stored = Store(source, length, cancellation);
        }

        var after = new FileInfo(path);
        if (!after.Exists || after.Length != length || after.LastWriteTimeUtc != written)
        {
            throw new IOException($"{path} changed while it was being stored (size or modification time differs); "
                + "store it once it is complete. The object written from it may be incomplete and is not referenced.");
        }

        return stored;
    }

    /// <summary>Rehashes the object named <paramref name="hash"/>.</summary>
    /// <exception cref="ObjectNotFoundException">No such object is stored.</exception>
    /// <exception cref="CorruptObjectException">Its bytes do not hash to its name.</exception>
    public void Verify(string hash, CancellationToken cancellation = default)
    {
        var path = ExistingPath(hash);
        using var stream = OpenRead(path);
        Check(hash, path, HashOf(stream, destination: null, cancellation));
    }

    /// <summary>
    /// The path of the object named <paramref name="hash"/>, after its bytes were rehashed and found good: for
    /// readers (TorchSharp's <c>load</c>) that need a file. The object is read-only, so it stays as verified.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">No such object is stored.</exception>
    /// <exception cref="CorruptObjectException">Its bytes do not hash to its name.</exception>
    public string VerifiedPath(string hash, CancellationToken cancellation = default)
    {
        Verify(hash, cancellation);
        return PathOf(hash);
    }

    /// <summary>The bytes of the object named <paramref name="hash"/>, verified.</summary>
    public byte[] ReadAllBytes(string hash)
    {
        var path = ExistingPath(hash);
        var bytes = File.ReadAllBytes(path);
        Check(hash, path, ContentHash.Of(bytes));
        return bytes;
    }

    /// <summary>
    /// Copies the object named <paramref name="hash"/> to <paramref name="destination"/>, verifying it on the way:
    /// the copy appears (atomically, by rename) only when every byte matched; a damaged object leaves no file.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">No such object is stored.</exception>
    /// <exception cref="CorruptObjectException">Its bytes do not hash to its name.</exception>
    public void CopyTo(string hash, string destination, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var path = ExistingPath(hash);
        var folder = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(destination) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            string actual;
            using (var source = OpenRead(path))
            using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                actual = HashOf(source, target, cancellation);
                target.Flush(flushToDisk: true);
            }

            Check(hash, path, actual);
            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private string ExistingPath(string hash)
    {
        var path = PathOf(hash);
        if (!File.Exists(path))
        {
            throw new ObjectNotFoundException($"No object {hash} in the store at {Root}.");
        }

        return path;
    }

    private static void Check(string hash, string path, string actual)
    {
        if (!string.Equals(hash, actual, StringComparison.Ordinal))
        {
            throw new CorruptObjectException(hash, path, actual);
        }
    }

    private StoredObject Store(Stream content, long? expectedLength, CancellationToken cancellation)
    {
        PrepareFolders();
        var temporary = Path.Combine(TemporaryFolder, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            string hash;
            long size;
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = ReproHome.OwnerOnlyFile;
            }

            using (var target = new FileStream(temporary, options))
            {
                hash = HashOf(content, target, cancellation);
                size = target.Length;
                target.Flush(flushToDisk: true);
            }

            if (expectedLength is { } expected && expected != size)
            {
                throw new IOException($"The content changed while it was being stored: {size} bytes read, {expected} expected.");
            }

            var final = PathOf(hash);
            if (File.Exists(final))
            {
                Freshen(final);
                return new StoredObject(hash, size, AlreadyStored: true);
            }

            var fanOut = Path.GetDirectoryName(final)!;
            ReproHome.CreateOwnerOnlyDirectory(fanOut);
            MakeReadOnly(temporary);
            try
            {
                File.Move(temporary, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Another writer stored the same content first: identical bytes, one copy.
                Freshen(final);
                return new StoredObject(hash, size, AlreadyStored: true);
            }

            DirectorySync.Flush(fanOut);
            return new StoredObject(hash, size, AlreadyStored: false);
        }
        catch (IOException exception) when (IsStorageFailure(exception))
        {
            throw new ReproHomeException(Root, exception);
        }
        catch (UnauthorizedAccessException exception) when (!File.Exists(temporary))
        {
            throw new ReproHomeException(Root, exception);
        }
        finally
        {
            DeleteQuietly(temporary);
        }
    }

    private static string HashOf(Stream source, Stream? destination, CancellationToken cancellation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = source.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                hash.AppendData(buffer, 0, read);
                destination?.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);

    private void PrepareFolders()
    {
        if (Directory.Exists(TemporaryFolder))
        {
            return;
        }

        ReproHome.CreateOwnerOnlyDirectory(ObjectsFolder);
        ReproHome.CreateOwnerOnlyDirectory(TemporaryFolder);
    }

    /// <summary>Removes temporary files a crashed writer left behind more than a day ago; returns how many.</summary>
    public int RemoveStaleTemporaryFiles()
    {
        if (!Directory.Exists(TemporaryFolder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var file in new DirectoryInfo(TemporaryFolder).EnumerateFiles("*.tmp"))
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > StaleTemporaryAge)
            {
                DeleteQuietly(file.FullName);
                removed++;
            }
        }

        return removed;
    }

    private static void MakeReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead);
        }
    }

    private static bool IsStorageFailure(IOException exception) =>
        exception is not FileNotFoundException and not CorruptObjectException && exception.HResult is 28 or 30 or unchecked((int)0x80070070);

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
