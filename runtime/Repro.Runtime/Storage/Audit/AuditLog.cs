using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Repro.Security;

namespace Repro.Storage.Audit;

/// <summary>
/// The home's tamper-evident audit log (<c>audit.jsonl</c>, owner-only): one JSON line per administrative action,
/// each carrying the SHA-256 of the record before it and its own. Removing, altering or reordering a record breaks
/// the chain and <see cref="Verify"/> names where. Appends from several processes are serialised by an exclusive
/// open of the file, and each is flushed to disk before it returns. Reasons and details go through redaction.
/// </summary>
public static class AuditLog
{
    /// <summary>The first record's <see cref="AuditRecord.Previous"/>.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The longest line a record may take, so the last record can always be found from the end of the file.</summary>
    public const int MaxRecordBytes = 16 * 1024;

    private const string HashSuffixStart = ",\"hash\":\"";
    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(30);

    /// <summary>The audit log of the home at <paramref name="home"/>.</summary>
    public static string PathOf(string home) => Path.Combine(home, "audit.jsonl");

    /// <summary>
    /// Appends one record and returns it. A partial last line left by a crash during an earlier append (never
    /// acknowledged) is cut off first.
    /// </summary>
    /// <exception cref="ArgumentException">The action is empty, or the record would exceed <see cref="MaxRecordBytes"/>.</exception>
    /// <exception cref="IOException">The log stayed locked by another process for 30 s, or cannot be written.</exception>
    public static AuditRecord Append(string home, string action, IReadOnlyList<string>? runs = null, string? reason = null, IReadOnlyDictionary<string, string>? details = null, DateTimeOffset? now = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ReproHome.CreateOwnerOnlyDirectory(home);
        using var file = ExclusiveFile.Open(PathOf(home), s_lockWait);
        var (lastSequence, lastHash) = ReadTail(file);
        var sortedDetails = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in details ?? new Dictionary<string, string>())
        {
            sortedDetails[name] = SecretRedactor.Redact(value);
        }

        var body = Body(lastSequence + 1, (now ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Environment.UserName, Environment.MachineName, action, SecretRedactor.Redact(reason), runs ?? [], sortedDetails, lastHash);
        var hash = Sha256Hex(body);
        var line = Encoding.UTF8.GetBytes(string.Concat(body.AsSpan(0, body.Length - 1), HashSuffixStart, hash, "\"}\n"));
        if (line.Length > MaxRecordBytes)
        {
            throw new ArgumentException($"An audit record may take at most {MaxRecordBytes} bytes; this one takes {line.Length}. Name fewer runs or shorter details.", nameof(details));
        }

        file.Seek(0, SeekOrigin.End);
        file.Write(line);
        file.Flush(flushToDisk: true);
        return Parse(Encoding.UTF8.GetString(line).TrimEnd('\n'));
    }

    /// <summary>Every record of the home's log, oldest first (none when there is no log); unreadable lines are skipped (see <see cref="Verify"/>).</summary>
    public static IEnumerable<AuditRecord> Read(string home)
    {
        foreach (var (_, text) in Lines(home))
        {
            AuditRecord? record;
            try
            {
                record = Parse(text);
            }
            catch (FormatException)
            {
                continue;
            }

            yield return record;
        }
    }

    /// <summary>Checks the whole chain: each record's own hash, its link to the one before, and its sequence number.</summary>
    public static AuditVerification Verify(string home)
    {
        var problems = new List<string>();
        var previousHash = Genesis;
        long expected = 1, records = 0;
        foreach (var (number, text) in Lines(home))
        {
            AuditRecord record;
            try
            {
                record = Parse(text);
            }
            catch (FormatException e)
            {
                problems.Add($"line {number}: not an audit record ({e.Message})");
                previousHash = "";
                expected++;
                continue;
            }

            records++;
            if (!string.Equals(Sha256Hex(text[..^(HashSuffixStart.Length + 66)] + "}"), record.Hash, StringComparison.Ordinal))
            {
                problems.Add($"line {number}: record {record.Sequence} ({record.Action}) was altered: its content no longer matches its hash");
            }

            if (record.Sequence != expected)
            {
                problems.Add(record.Sequence > expected
                    ? $"line {number}: {Missing(expected, record.Sequence - 1)} before record {record.Sequence} ({record.Action})"
                    : $"line {number}: record {record.Sequence} ({record.Action}) is out of order (expected {expected})");
            }
            else if (previousHash.Length > 0 && !string.Equals(record.Previous, previousHash, StringComparison.Ordinal))
            {
                problems.Add($"line {number}: record {record.Sequence} ({record.Action}) does not follow the record before it (its chain link differs)");
            }

            previousHash = record.Hash;
            expected = record.Sequence + 1;
        }

        return new AuditVerification(records, problems, previousHash.Length > 0 ? previousHash : Genesis);
    }

    private static string Missing(long first, long last) => first == last
        ? string.Create(CultureInfo.InvariantCulture, $"record {first} is missing")
        : string.Create(CultureInfo.InvariantCulture, $"records {first} to {last} are missing");

    private static IEnumerable<(long Number, string Text)> Lines(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        var path = PathOf(home);
        if (!File.Exists(path))
        {
            yield break;
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length > 0)
            {
                yield return (number, line);
            }
        }
    }

    /// <summary>The last complete record's sequence and hash; a torn final line (crash mid-append) is cut off.</summary>
    private static (long Sequence, string Hash) ReadTail(FileStream file)
    {
        if (file.Length == 0)
        {
            return (0, Genesis);
        }

        var start = Math.Max(0, file.Length - (2 * MaxRecordBytes));
        var tail = new byte[file.Length - start];
        file.Seek(start, SeekOrigin.Begin);
        file.ReadExactly(tail);
        var end = Array.LastIndexOf(tail, (byte)'\n');
        if (end < tail.Length - 1)
        {
            file.SetLength(start + end + 1);
            file.Flush(flushToDisk: true);
        }

        if (end <= 0)
        {
            return (0, Genesis);
        }

        // Records are at most MaxRecordBytes long, so the newline before the last one lies inside the window.
        var begin = Array.LastIndexOf(tail, (byte)'\n', end - 1) + 1;
        var last = Parse(Encoding.UTF8.GetString(tail, begin, end - begin));
        return (last.Sequence, last.Hash);
    }

    private static string Body(long sequence, string time, string user, string host, string action, string reason, IReadOnlyList<string> runs, SortedDictionary<string, string> details, string previous)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", sequence);
            json.WriteString("time", time);
            json.WriteString("user", user);
            json.WriteString("host", host);
            json.WriteString("action", action);
            json.WriteString("reason", reason);
            json.WriteStartArray("runs");
            foreach (var run in runs)
            {
                json.WriteStringValue(run);
            }

            json.WriteEndArray();
            json.WriteStartObject("details");
            foreach (var (name, value) in details)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteString("prev", previous);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static AuditRecord Parse(string line)
    {
        if (line.Length < HashSuffixStart.Length + 66 || !line.AsSpan(line.Length - HashSuffixStart.Length - 66).StartsWith(HashSuffixStart, StringComparison.Ordinal))
        {
            throw new FormatException("it does not end with its hash");
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new AuditRecord(
                root.GetProperty("seq").GetInt64(),
                root.GetProperty("time").GetString() ?? "",
                root.GetProperty("user").GetString() ?? "",
                root.GetProperty("host").GetString() ?? "",
                root.GetProperty("action").GetString() ?? "",
                root.GetProperty("reason").GetString() ?? "",
                [.. root.GetProperty("runs").EnumerateArray().Select(r => r.GetString() ?? "")],
                root.GetProperty("details").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal),
                root.GetProperty("prev").GetString() ?? "",
                root.GetProperty("hash").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
