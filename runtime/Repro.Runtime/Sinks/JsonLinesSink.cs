using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Repro.Events;

namespace Repro.Sinks;

/// <summary>
/// Appends events to a JSON Lines file (docs/formats/events.md), one object per line. The cursor
/// of each run is kept in <c>&lt;file&gt;.cursors.json</c> with the file length it was written at;
/// on open, only the lines after that length (written by a process that died before its cursor) are
/// read to bring the cursors forward, so replaying a run any number of times leaves each event once
/// and opening costs the unacknowledged tail, not the whole file.
/// </summary>
/// <remarks>
/// The file is an export the user names: it and its cursor file are created with the process's
/// umask, like any file the user asks for.
/// </remarks>
public sealed class JsonLinesSink : IEventSink
{
    private readonly string _path;
    private readonly string _cursorPath;
    private readonly FileStream _stream;
    private readonly SortedDictionary<string, ulong> _cursors;
    private readonly Dictionary<string, byte[]> _resumePoints = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly Utf8JsonWriter _writer;

    /// <summary>Opens (or creates) the file, cutting a torn last line left by a crash.</summary>
    public JsonLinesSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _cursorPath = _path + ".cursors.json";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.Read };
        _stream = new FileStream(_path, options);
        CutTornLine();
        _cursors = ReadCursors(out var consistentLength);
        CatchUpCursors(Math.Min(consistentLength, _stream.Length));
        _stream.Seek(0, SeekOrigin.End);
        _writer = new Utf8JsonWriter(_line, EventJsonWriter.WriterOptions);
    }

    /// <inheritdoc />
    public SinkCursor ReadCursor(string runId) => new(_cursors.GetValueOrDefault(runId), _resumePoints.GetValueOrDefault(runId));

    /// <inheritdoc />
    public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(events);
        var stored = _cursors.GetValueOrDefault(runId);
        _line.ResetWrittenCount();
        foreach (var evt in events)
        {
            // A run's events reach the file in sequence order, so the cursor alone says what is there.
            if (evt.Sequence <= stored)
            {
                continue;
            }

            stored = evt.Sequence;

            _writer.Reset(_line);
            EventJsonWriter.Write(_writer, evt);
            _writer.Flush();
            _line.Write("\n"u8);
        }

        _stream.Write(_line.WrittenSpan);
        _stream.Flush(flushToDisk: true);
        if (cursor.Sequence >= _cursors.GetValueOrDefault(runId))
        {
            _cursors[runId] = cursor.Sequence;
            if (cursor.ResumeAt is { } resumeAt)
            {
                _resumePoints[runId] = resumeAt;
            }
        }

        WriteCursors();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    /// <summary>
    /// Reads the lines after <paramref name="from"/> (appended after the cursors were last written) and
    /// moves each run's cursor to the highest sequence found there.
    /// </summary>
    private void CatchUpCursors(long from)
    {
        _stream.Position = from;
        using var reader = new StreamReader(_stream, leaveOpen: true);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(line);
                var runId = document.RootElement.GetProperty("runId").GetString()!;
                var sequence = document.RootElement.GetProperty("sequence").GetUInt64();
                _cursors[runId] = Math.Max(sequence, _cursors.GetValueOrDefault(runId));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"{_path}: line {lineNumber} after byte {from} is not a Repro event: {e.Message}", e);
            }
        }
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

    /// <summary>The stored cursors and the file length they were written at (0 when unknown: read the whole file).</summary>
    private SortedDictionary<string, ulong> ReadCursors(out long consistentLength)
    {
        var cursors = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        consistentLength = 0;
        if (!File.Exists(_cursorPath))
        {
            return cursors;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(_cursorPath));
            var root = document.RootElement;
            // Version 1 was a flat object of run id to sequence; version 2 adds the length it was written at.
            var runs = root.TryGetProperty("cursors", out var nested) ? nested : root;
            foreach (var property in runs.EnumerateObject())
            {
                cursors[property.Name] = property.Value.GetUInt64();
            }

            consistentLength = root.TryGetProperty("length", out var length) ? length.GetInt64() : 0;
            // Version 3 adds where to resume reading each run's log (base64 of an opaque checkpoint).
            if (root.TryGetProperty("resumeAt", out var resume))
            {
                foreach (var property in resume.EnumerateObject())
                {
                    _resumePoints[property.Name] = property.Value.GetBytesFromBase64();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            // A damaged cursor file costs one read of the whole export, which rebuilds every cursor.
            cursors.Clear();
            _resumePoints.Clear();
            consistentLength = 0;
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
            writer.WriteNumber("version", 3);
            writer.WriteNumber("length", _stream.Length);
            writer.WriteStartObject("cursors");
            foreach (var (runId, sequence) in _cursors)
            {
                writer.WriteNumber(runId, sequence);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("resumeAt");
            foreach (var (runId, resumeAt) in _resumePoints.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WriteBase64String(runId, resumeAt);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _cursorPath, overwrite: true);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"JSON Lines sink {_path}");
}
