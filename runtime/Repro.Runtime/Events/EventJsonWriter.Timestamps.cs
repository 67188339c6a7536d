namespace Repro.Events;

/// <summary>Timestamps in event JSON.</summary>
public static partial class EventJsonWriter
{
    /// <summary>Renders nanoseconds since the Unix epoch as ISO 8601 UTC with offset and nanosecond precision.</summary>
    public static string FormatTimestamp(long unixNanos)
    {
        Span<byte> utf8 = stackalloc byte[TimestampLength];
        return System.Text.Encoding.ASCII.GetString(FormatTimestamp(unixNanos, utf8));
    }

    /// <summary>The length of a formatted timestamp: <c>yyyy-MM-ddTHH:mm:ss.fffffffff+00:00</c>.</summary>
    private const int TimestampLength = 35;

    /// <summary>
    /// Writes the timestamp <see cref="FormatTimestamp(long)"/> renders into <paramref name="destination"/> as ASCII,
    /// digit by digit: a format string parsed per event would cost more than the rest of a scalar's line.
    /// </summary>
    private static ReadOnlySpan<byte> FormatTimestamp(long unixNanos, Span<byte> destination)
    {
        var seconds = Math.DivRem(unixNanos, 1_000_000_000L, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000L;
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        var (year, month, day) = time;
        Digits(destination[..4], year);
        destination[4] = (byte)'-';
        Digits(destination.Slice(5, 2), month);
        destination[7] = (byte)'-';
        Digits(destination.Slice(8, 2), day);
        destination[10] = (byte)'T';
        Digits(destination.Slice(11, 2), time.Hour);
        destination[13] = (byte)':';
        Digits(destination.Slice(14, 2), time.Minute);
        destination[16] = (byte)':';
        Digits(destination.Slice(17, 2), time.Second);
        destination[19] = (byte)'.';
        Digits(destination.Slice(20, 9), nanos);
        "+00:00"u8.CopyTo(destination[29..]);
        return destination[..TimestampLength];
    }

    /// <summary>Writes <paramref name="value"/> in decimal, zero-padded to the span's length.</summary>
    private static void Digits(Span<byte> destination, long value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }
}
