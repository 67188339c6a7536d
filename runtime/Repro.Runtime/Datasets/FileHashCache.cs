using Microsoft.Data.Sqlite;
using Repro.Storage;

namespace Repro.Datasets;

/// <summary>
/// Remembers the SHA-256 of files by absolute path, size and modification time, so an unchanged dataset is
/// fingerprinted from metadata alone. Stored in <c>$REPRO_HOME/cache/file-hashes.sqlite</c>. An entry is trusted only
/// when size and modification time match and the file had not been modified within two seconds before it was hashed
/// (a write in the same timestamp tick could otherwise go unseen, the "racy clean" case git guards against too).
/// </summary>
public sealed class FileHashCache : IDisposable
{
    private static readonly long RacyWindowTicks = TimeSpan.FromSeconds(2).Ticks;
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens (or creates) the cache of the Repro home <paramref name="home"/>.</summary>
    /// <exception cref="ReproHomeException">The cache cannot be created or opened.</exception>
    public FileHashCache(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        var folder = System.IO.Path.Combine(home, "cache");
        Path = System.IO.Path.Combine(folder, "file-hashes.sqlite");
        try
        {
            ReproHome.CreateOwnerOnlyDirectory(folder);
            if (!OperatingSystem.IsWindows() && !File.Exists(Path))
            {
                using (File.Create(Path))
                {
                }

                File.SetUnixFileMode(Path, ReproHome.OwnerOnlyFile);
            }

            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false, DefaultTimeout = 60 }.ToString());
            _connection.Open();
            Execute("PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                + "CREATE TABLE IF NOT EXISTS file_hashes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, modified INTEGER NOT NULL, hashed_at INTEGER NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID;");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new ReproHomeException(Path, exception);
        }
    }

    /// <summary>The cache file.</summary>
    public string Path { get; }

    /// <summary>Every entry whose path lies below <paramref name="folder"/>, by path: read once per fingerprint.</summary>
    internal Dictionary<string, (long Size, long Modified, long HashedAt, string Sha256)> EntriesBelow(string folder)
    {
        var prefix = folder.EndsWith(System.IO.Path.DirectorySeparatorChar) ? folder : folder + System.IO.Path.DirectorySeparatorChar;
        var entries = new Dictionary<string, (long, long, long, string)>(StringComparer.Ordinal);
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            // A range on the primary key, not LIKE: paths may hold '%' and '_'.
            command.CommandText = "SELECT path, size, modified, hashed_at, sha256 FROM file_hashes WHERE path >= $low AND path < $high";
            command.Parameters.AddWithValue("$low", prefix);
            command.Parameters.AddWithValue("$high", prefix[..^1] + (char)(prefix[^1] + 1));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                entries[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4));
            }
        }

        return entries;
    }

    /// <summary>Whether a cached entry may stand in for hashing a file with this size and modification time.</summary>
    internal static bool IsTrusted((long Size, long Modified, long HashedAt, string Sha256) entry, long size, long modified) =>
        entry.Size == size && entry.Modified == modified && modified < entry.HashedAt - RacyWindowTicks;

    /// <summary>Records freshly computed hashes in one transaction.</summary>
    internal void Store(IReadOnlyList<(string Path, long Size, long Modified, long HashedAt, string Sha256)> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT OR REPLACE INTO file_hashes (path, size, modified, hashed_at, sha256) VALUES ($path, $size, $modified, $hashed, $sha)";
            var path = command.Parameters.Add("$path", SqliteType.Text);
            var size = command.Parameters.Add("$size", SqliteType.Integer);
            var modified = command.Parameters.Add("$modified", SqliteType.Integer);
            var hashed = command.Parameters.Add("$hashed", SqliteType.Integer);
            var sha = command.Parameters.Add("$sha", SqliteType.Text);
            foreach (var entry in entries)
            {
                path.Value = entry.Path;
                size.Value = entry.Size;
                modified.Value = entry.Modified;
                hashed.Value = entry.HashedAt;
                sha.Value = entry.Sha256;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
