using System;
using System.IO;
using System.Security.Cryptography;

namespace Repro.Build.Tasks.Stamping;

/// <summary>
/// The uncommitted patch as it streams out of git: hashed (SHA-256) and counted in full, but kept in
/// memory only while it stays within the size limit, so a multi-gigabyte untracked file costs one
/// streamed read, never its size in memory.
/// </summary>
internal sealed class PatchCollector : IDisposable
{
    private readonly long _limit;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private MemoryStream? _kept = new();

    public PatchCollector(long limit)
    {
        _limit = limit;
    }

    /// <summary>Bytes seen.</summary>
    public long Length { get; private set; }

    /// <summary>Whether the patch outgrew the limit (its bytes are then not kept).</summary>
    public bool OverLimit => _kept is null;

    public void Append(byte[] buffer, int count)
    {
        _hash.AppendData(buffer, 0, count);
        Length += count;
        if (_kept is not null && Length > _limit)
        {
            _kept = null;
        }

        _kept?.Write(buffer, 0, count);
    }

    /// <summary>Marks the patch as over the limit ahead of bytes known to be coming (a large untracked file), before they are read.</summary>
    public void ExpectMore(long bytes)
    {
        if (Length + bytes > _limit)
        {
            _kept = null;
        }
    }

    /// <summary>The patch bytes, or null when over the limit.</summary>
    public byte[]? Bytes => _kept?.ToArray();

    /// <summary>Lower-case hex SHA-256 of everything appended.</summary>
    public string Sha256() => GitState.Hex(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
