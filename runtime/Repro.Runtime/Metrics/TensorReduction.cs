namespace Repro;

/// <summary>
/// How a [Metric] method's tensor value becomes one number, computed on the tensor's own device (with
/// Repro.TorchSharp). A histogram metric counts the tensor's elements instead and takes no reduction.
/// </summary>
public enum TensorReduction
{
    /// <summary>None: the tensor must hold exactly one element, which is the value.</summary>
    None = 0,

    /// <summary>The mean of the elements.</summary>
    Mean = 1,

    /// <summary>The sum of the elements.</summary>
    Sum = 2,

    /// <summary>The Euclidean (L2) norm of the elements, e.g. a gradient norm.</summary>
    Norm = 3,

    /// <summary>The smallest element.</summary>
    Min = 4,

    /// <summary>The largest element.</summary>
    Max = 5,
}
