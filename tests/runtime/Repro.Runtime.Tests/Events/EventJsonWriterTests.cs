using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Repro.Events;

namespace Repro.Runtime.Tests.Events;

public class EventJsonWriterTests
{
    [Theory]
    [InlineData(0L, "1970-01-01T00:00:00.000000000+00:00")]
    [InlineData(1_795_000_000_123_456_789L, "2026-11-18T11:06:40.123456789+00:00")]
    [InlineData(-1L, "1969-12-31T23:59:59.999999999+00:00")]
    public void Timestamps_are_ISO_8601_with_offset_and_nanoseconds(long nanos, string expected) =>
        Assert.Equal(expected, EventJsonWriter.FormatTimestamp(nanos));

    [Theory]
    [InlineData(long.MinValue, "1677-09-21T00:12:43.145224192+00:00")]
    [InlineData(long.MaxValue, "2262-04-11T23:47:16.854775807+00:00")]
    public void Timestamps_at_the_ends_of_the_nanosecond_range_are_exact(long nanos, string expected) =>
        Assert.Equal(expected, EventJsonWriter.FormatTimestamp(nanos));

    [Fact]
    public void Timestamps_agree_with_the_framework_s_own_formatting_of_random_times()
    {
        const int Seed = 20261206;
        var random = new Random(Seed);
        for (var i = 0; i < 10_000; i++)
        {
            var nanos = random.NextInt64(long.MinValue, long.MaxValue);
            var seconds = Math.DivRem(nanos, 1_000_000_000L, out var rest);
            if (rest < 0)
            {
                seconds--;
                rest += 1_000_000_000L;
            }

            var expected = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
                + "." + rest.ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + "+00:00";
            Assert.True(expected == EventJsonWriter.FormatTimestamp(nanos), $"seed {Seed}, {nanos} ns: {EventJsonWriter.FormatTimestamp(nanos)} instead of {expected}");
        }
    }

    [Theory]
    [InlineData(double.NaN, "\"NaN\"")]
    [InlineData(double.PositiveInfinity, "\"Infinity\"")]
    [InlineData(double.NegativeInfinity, "\"-Infinity\"")]
    [InlineData(0.25, "0.25")]
    public void Scalar_values_that_JSON_numbers_cannot_carry_become_strings(double value, string expected)
    {
        var json = Write(new Event { Name = "loss", Scalar = new Scalar { Value = value }, EventId = ByteString.CopyFrom(new byte[16]), RunId = ByteString.CopyFrom(new byte[16]) });

        Assert.Contains($"\"value\":{expected}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scalar_event_has_the_documented_fields_in_order()
    {
        var eventId = Ulid.Parse("01M8CS544GGZP51ANZ2BS7X0F2", System.Globalization.CultureInfo.InvariantCulture);
        var runId = Ulid.Parse("01M8CS53VMDSF5MQWKRC2VHBTE", System.Globalization.CultureInfo.InvariantCulture);
        var json = Write(new Event
        {
            EventId = ByteString.CopyFrom(eventId.ToByteArray()),
            RunId = ByteString.CopyFrom(runId.ToByteArray()),
            Sequence = 2,
            TimestampUnixNanos = 1_795_000_000_000_000_000L,
            Step = 7,
            Name = "train/loss",
            Scalar = new Scalar { Value = 0.5 },
        });

        Assert.Equal(
            "{\"eventId\":\"01M8CS544GGZP51ANZ2BS7X0F2\",\"runId\":\"01M8CS53VMDSF5MQWKRC2VHBTE\",\"sequence\":2,"
            + "\"timestamp\":\"2026-11-18T11:06:40.000000000+00:00\",\"step\":7,\"name\":\"train/loss\",\"type\":\"scalar\",\"value\":0.5}",
            json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(0.5, document.RootElement.GetProperty("value").GetDouble());
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
