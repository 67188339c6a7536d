namespace Repro.Sinks.Index;

/// <summary>The layout of an index chunk's <c>data</c>, shared by its encoder and decoder.</summary>
internal static class ScalarChunkFormat
{
    /// <summary>The first byte of every chunk's data: the layout's version.</summary>
    public const byte Version = 1;

    /// <summary>The most scalars one chunk holds, so that reading a few steps decodes little.</summary>
    public const int MaxScalars = 16_384;
}
