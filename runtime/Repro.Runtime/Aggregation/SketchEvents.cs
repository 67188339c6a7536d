namespace Repro.Aggregation;

/// <summary>Recorded sketches (<see cref="Events.TDigest"/> events) as digests to query and merge.</summary>
internal static class SketchEvents
{
    /// <summary>The digest a recorded sketch holds.</summary>
    public static TDigest ToDigest(this Events.TDigest sketch) =>
        TDigest.FromCentroids(sketch.Compression, sketch.Means, sketch.Weights, sketch.Min, sketch.Max);

    /// <summary>An empty digest of the recorded sketch's compression, to merge sketches into.</summary>
    public static TDigest EmptyLike(Events.TDigest sketch) =>
        new(Math.Clamp(double.IsNaN(sketch.Compression) ? 100 : sketch.Compression, 10, 1000));

    /// <summary>Adds a recorded sketch to <paramref name="digest"/>; an empty one adds nothing (its min and max mean nothing).</summary>
    public static void AddTo(this Events.TDigest sketch, TDigest digest)
    {
        if (sketch.Means.Count > 0)
        {
            digest.Add(sketch.ToDigest());
        }
    }
}
