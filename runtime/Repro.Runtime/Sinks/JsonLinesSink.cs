using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Repro.Events;

namespace Repro.Sinks;

/// <summary>
/// Appends events to a JSON Lines file (docs/formats/events.md), one object per line. The cursor
/// of each run is kept in <c>&lt;file&gt;.cursors.json</c>; event ids already in the file are never
/// written again, so replaying a run any number of times leaves each event once.
/// </summary>
public sealed class JsonLinesSink : IEventSink
{
    private readonly string _path;
    private readonly string _cursorPath;
    private readonly FileStream _stream;
    private readonly Dictionary<string, HashSet<UInt128>> _storedIds = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, ulong> _cursors;
    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly Utf8JsonWriter _writer;

    /// <summary>Opens (or creates) the file, cutting a torn last line left by a crash.</summary>
    public JsonLinesSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _cursorPath = _path + ".cursors.json";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        _stream = new FileStream(_path, options);
        CutTornLine();
        _stream.Seek(0, SeekOrigin.End);
        _cursors = ReadCursors();
        _writer = new Utf8JsonWriter(_line, EventJsonWriter.WriterOptions);
    }

    /// <inheritdoc />
    public ulong ReadCursor(string runId) => _cursors.GetValueOrDefault(runId);

    /// <inheritdoc />
    public void Deliver(string runId, IReadOnlyList<Event> events, ulong cursor)
    {
        ArgumentNullException.ThrowIfNull(events);
        var stored = StoredIds(runId);
        _line.ResetWrittenCount();
        foreach (var evt in events)
        {
            if (!stored.Add(BinaryPrimitives.ReadUInt128BigEndian(evt.EventId.Span)))
            {
                continue;
            }

            _writer.Reset(_line);
            EventJsonWriter.Write(_writer, evt);
            _writer.Flush();
            _line.Write("\n"u8);
        }

        _stream.Write(_line.WrittenSpan);
        _stream.Flush(flushToDisk: true);
        _cursors[runId] = Math.Max(cursor, ReadCursor(runId));
        WriteCursors();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    /// <summary>Ids of the run's events already in the file, read once per run and kept up to date.</summary>
    private HashSet<UInt128> StoredIds(string runId)
    {
        if (_storedIds.TryGetValue(runId, out var ids))
        {
            return ids;
        }

        ids = [];
        _stream.Position = 0;
        using (var reader = new StreamReader(_stream, leaveOpen: true))
        {
            while (reader.ReadLine() is { } line)
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.GetProperty("runId").GetString() == runId
                    && Ulid.TryParse(document.RootElement.GetProperty("eventId").GetString(), out var id))
                {
                    ids.Add(BinaryPrimitives.ReadUInt128BigEndian(id.ToByteArray()));
                }
            }
        }

        _stream.Seek(0, SeekOrigin.End);
        _storedIds[runId] = ids;
        return ids;
    }

    private void CutTornLine()
    {
        if (_stream.Length == 0)
        {
            return;
        }

        // Walk back to the last newline: anything after it is a line a crash cut short.
        var position = _stream.Length;
        var one = new byte[1];
        while (position > 0)
        {
            _stream.Position = position - 1;
            _stream.ReadExactly(one);
            if (one[0] == (byte)'\n')
            {
                break;
            }

            position--;
        }

        if (position != _stream.Length)
        {
            _stream.SetLength(position);
        }
    }

    private SortedDictionary<string, ulong> ReadCursors()
    {
        var cursors = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        if (!File.Exists(_cursorPath))
        {
            return cursors;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(_cursorPath));
            foreach (var property in document.RootElement.EnumerateObject())
            {
                cursors[property.Name] = property.Value.GetUInt64();
            }
        }
        catch (JsonException)
        {
            // A damaged cursor only costs a replay from the start, which the id check makes harmless.
            cursors.Clear();
        }

        return cursors;
    }

    private void WriteCursors()
    {
        var temporary = _cursorPath + ".tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (runId, sequence) in _cursors)
            {
                writer.WriteNumber(runId, sequence);
            }

            writer.WriteEndObject();
        }

        File.Move(temporary, _cursorPath, overwrite: true);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"JSON Lines sink {_path}");
}
