using System.Security.Cryptography;
using System.Text;
using Repro.Storage;

namespace Repro.Artifacts.Remote;

/// <summary>
/// The uploads still owed to a remote store, kept as one small file per object under
/// <c>&lt;home&gt;/uploads/&lt;store-id&gt;/&lt;hash&gt;</c> (the store id is a hash of the store's address, whose
/// <c>address</c> file names it). An entry is written durably before the upload is tried and removed after the
/// object is in the bucket, so a crash, a restart or an outage only delays an upload: the next process that uses
/// the store, or <c>repro artifacts push</c>, picks it up. The local content store is the buffer.
/// </summary>
public sealed class UploadJournal
{
    private readonly string _folder;

    /// <summary>Opens (creating it owner-only when needed) the journal of <paramref name="address"/> in <paramref name="home"/>.</summary>
    public UploadJournal(string home, RemoteStoreAddress address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.ToString())))[..16];
        _folder = Path.Combine(home, "uploads", id);
        ReproHome.CreateOwnerOnlyDirectory(Path.Combine(home, "uploads"));
        ReproHome.CreateOwnerOnlyDirectory(_folder);
        var addressFile = Path.Combine(_folder, "address");
        if (!File.Exists(addressFile))
        {
            AtomicFile.WriteAllText(addressFile, address + "\n");
        }
    }

    /// <summary>The store the journal owes uploads to.</summary>
    public RemoteStoreAddress Address { get; }

    /// <summary>Records, durably, that the object named <paramref name="hash"/> must be uploaded.</summary>
    public void Add(string hash)
    {
        ContentHash.Validate(hash, nameof(hash));
        var entry = Path.Combine(_folder, hash);
        if (!File.Exists(entry))
        {
            WriteEntry(entry);
        }
    }

    /// <summary>Forgets the upload of <paramref name="hash"/> (it is done, or its object is gone for good).</summary>
    public void Remove(string hash)
    {
        ContentHash.Validate(hash, nameof(hash));
        File.Delete(Path.Combine(_folder, hash)); // no error when another process finished it first
    }

    /// <summary>The objects still owed, oldest entry first (ties by name, so the order is stable).</summary>
    public IReadOnlyList<string> Pending() =>
        new DirectoryInfo(_folder).EnumerateFiles()
            .Where(file => ContentHash.IsValid(file.Name))
            .OrderBy(file => file.LastWriteTimeUtc)
            .ThenBy(file => file.Name, StringComparer.Ordinal)
            .Select(file => file.Name)
            .ToList();

    private static void WriteEntry(string entry)
    {
        // The name is the whole entry; the file is empty. A unique temporary name lets two processes add the same
        // entry at once without tripping over each other's temporary file.
        var temporary = entry + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ReproHome.OwnerOnlyFile;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, entry, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(entry)!);
    }
}
