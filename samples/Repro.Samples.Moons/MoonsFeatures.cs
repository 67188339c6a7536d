namespace Repro.Samples.Moons;

/// <summary>What the classifier sees and says, as sketched for drift: the same names in training and serving.</summary>
public static class MoonsFeatures
{
    /// <summary>A point's two coordinates.</summary>
    public static readonly FeatureSet Inputs = new(["x", "y"]);

    /// <summary>The probability of the predicted class.</summary>
    public static readonly FeatureSet Outputs = new(["confidence"], FeatureKind.Output);
}
