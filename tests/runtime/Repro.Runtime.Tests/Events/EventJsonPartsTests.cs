using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Repro.Events;

namespace Repro.Runtime.Tests.Events;

/// <summary>
/// Event JSON reuses the encoded run id, name and source of the previous event on the thread: each line must still
/// say exactly what its own event holds, escaped as the writer escapes, whatever came before it.
/// </summary>
public class EventJsonPartsTests
{
    private static readonly string[] s_names = ["train/loss", "val \"best\" \\ acc", "é/ü/名前", "a+b<c>&d", "tab\there\u0001", "train/loss", ""];

    private static readonly Source[] s_sources =
    [
        new() { Host = "vm", Pid = 3299, Rank = 0, WorldSize = 1 },
        new() { Host = "gpu-\"7\"-é", Pid = 1, ContainerId = "c0ffee", Rank = 3, WorldSize = 8 },
        new() { Host = "vm", Pid = 3299, Rank = 1, WorldSize = 2 },
    ];

    [Fact]
    public void Lines_that_alternate_run_ids_names_and_sources_each_say_their_own_and_match_a_fresh_thread_s_bytes()
    {
        var seed = 20261206;
        var random = new Random(seed);
        var runIds = new[] { Ulid.NewUlid(), Ulid.NewUlid() }.Select(id => ByteString.CopyFrom(id.ToByteArray())).Append(ByteString.CopyFromUtf8("short")).ToArray();
        var events = Enumerable.Range(0, 300).Select(i => new Event
        {
            EventId = ByteString.CopyFrom(Ulid.NewUlid().ToByteArray()),
            RunId = runIds[random.Next(runIds.Length)],
            Sequence = (ulong)i + 1,
            Step = i,
            Name = s_names[random.Next(s_names.Length)],
            Source = random.Next(4) == 0 ? null : s_sources[random.Next(s_sources.Length)],
            Scalar = new Scalar { Value = random.NextDouble() },
        }).ToList();

        var lines = events.Select(Write).ToList();

        for (var i = 0; i < events.Count; i++)
        {
            var evt = events[i];
            using var document = JsonDocument.Parse(lines[i]);
            var root = document.RootElement;
            Assert.Equal(evt.Name, root.GetProperty("name").GetString());
            Assert.Equal(evt.RunId.Length == 16 ? new Ulid(evt.RunId.Span).ToString() : Convert.ToHexString(evt.RunId.Span), root.GetProperty("runId").GetString());
            Assert.Contains(Fragment("name", evt.Name), lines[i], StringComparison.Ordinal);
            if (evt.Source is null)
            {
                Assert.False(root.TryGetProperty("source", out _));
            }
            else
            {
                var source = root.GetProperty("source");
                Assert.Equal(evt.Source.Host, source.GetProperty("host").GetString());
                Assert.Equal(evt.Source.Rank, source.GetProperty("rank").GetInt32());
                Assert.Equal(evt.Source.WorldSize, source.GetProperty("worldSize").GetInt32());
                Assert.Equal(evt.Source.ContainerId.Length > 0, source.TryGetProperty("containerId", out _));
            }
        }

        // Each line again on a thread that has written nothing before it: the same bytes.
        for (var i = 0; i < events.Count; i += 7)
        {
            string? fresh = null;
            var thread = new Thread(() => fresh = Write(events[i]));
            thread.Start();
            thread.Join();
            Assert.True(lines[i] == fresh, $"line {i} differs on a fresh thread (seed {seed})");
        }
    }

    [Fact]
    public void A_source_changed_in_place_after_a_line_is_written_shows_its_new_values_in_the_next_line()
    {
        var source = new Source { Host = "before", Pid = 1, Rank = 0, WorldSize = 1 };
        var evt = new Event { Name = "loss", Source = source, Scalar = new Scalar { Value = 1 } };
        Assert.Contains("\"host\":\"before\"", Write(evt), StringComparison.Ordinal);

        source.Host = "after";
        source.ContainerId = "abc";

        var line = Write(evt);
        Assert.Contains("\"source\":{\"host\":\"after\",\"pid\":1,\"containerId\":\"abc\",\"rank\":0,\"worldSize\":1}", line, StringComparison.Ordinal);
    }

    /// <summary>A property as a plain writer with the event options writes it.</summary>
    private static string Fragment(string name, string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, EventJsonWriter.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(name, value);
            writer.WriteEndObject();
        }

        var json = Encoding.UTF8.GetString(stream.ToArray());
        return json[1..^1];
    }

    private static string Write(Event evt)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, EventJsonWriter.WriterOptions))
        {
            EventJsonWriter.Write(writer, evt);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
