namespace Repro.Events.Packing;

/// <summary>
/// The bit layout of a packed scalar batch (<c>ScalarBatch.packed</c>, <c>packing</c> = 1), shared by the
/// writer's encoder and the readers' decoder so that the two cannot drift apart. See
/// docs/formats/events.md, "Packed scalar batches", for the layout in words.
/// </summary>
internal static class PackedScalarFormat
{
    /// <summary>The value of <c>ScalarBatch.packing</c> for this layout.</summary>
    public const uint Version = 1;

    /// <summary>Metric ids below this take 8 bits when they cannot be predicted, others 32.</summary>
    public const uint SmallMetricId = 256;

    /// <summary>
    /// Payload widths of the four signed-integer classes, after their prefixes <c>10</c>, <c>110</c>,
    /// <c>1110</c> and <c>1111</c> (a <c>0</c> alone is zero). Chosen for steps and times: a step that
    /// advances by a new stride fits 7 bits, a writer pass's time jump (under 8 ms) fits 24.
    /// </summary>
    public const int Width1 = 7;

    /// <inheritdoc cref="Width1"/>
    public const int Width2 = 14;

    /// <inheritdoc cref="Width1"/>
    public const int Width3 = 24;

    /// <summary>The most bits one scalar can take: id 34, step 68, time 70, value 78.</summary>
    public const int MaxBitsPerScalar = 250;

    /// <summary>Zig-zag: small magnitudes of either sign become small unsigned numbers.</summary>
    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    /// <summary>The inverse of <see cref="ZigZag"/>.</summary>
    public static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
