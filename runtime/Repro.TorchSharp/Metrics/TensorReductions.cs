using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Metrics;

/// <summary>A tensor made one number on its own device, and that number read exactly as <c>item()</c> reads it.</summary>
internal static class TensorReductions
{
    /// <summary>
    /// The one-element tensor holding <paramref name="value"/>'s number for <paramref name="metric"/>: the same
    /// operation a program would write before <c>item()</c> (<c>mean()</c>, <c>sum()</c>, …), so the same bits.
    /// </summary>
    public static Tensor Reduce(MetricDeclaration metric, Tensor value, TensorReduction reduction)
    {
        CheckType(metric, value);
        var integerMetric = metric.ValueType is MetricValueType.Int32 or MetricValueType.Int64;

        if (integerMetric && reduction is TensorReduction.Mean or TensorReduction.Norm)
        {
            throw new ArgumentException($"Metric '{metric.Name}' is declared as an integer; a {reduction} is not one.", nameof(reduction));
        }

        if (value.numel() == 0 && reduction != TensorReduction.Sum)
        {
            throw new ArgumentException($"Metric '{metric.Name}' was given an empty tensor, which has no {(reduction == TensorReduction.None ? "value" : reduction.ToString().ToLowerInvariant())}.", nameof(value));
        }

        if (reduction == TensorReduction.None)
        {
            // A new handle on the same element, so that the caller may dispose what this returns.
            return CheckSingle(metric, value).alias();
        }

        // Mean and norm are defined on floating point only; integer tensors take them in double, exactly.
        using var real = value.is_floating_point() || reduction is not (TensorReduction.Mean or TensorReduction.Norm) ? null : value.to_type(ScalarType.Float64);
        var source = real ?? value;
        return reduction switch
        {
            TensorReduction.Mean => source.mean(),
            TensorReduction.Sum => value.sum(),
            TensorReduction.Norm => source.norm(),
            TensorReduction.Min => value.min(),
            TensorReduction.Max => value.max(),
            _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Not a TensorReduction."),
        };
    }

    /// <summary>Returns <paramref name="value"/> when it is one real number fit for <paramref name="metric"/>; throws otherwise.</summary>
    public static Tensor CheckSingle(MetricDeclaration metric, Tensor value)
    {
        if (value.numel() != 1)
        {
            throw new ArgumentException(
                $"Metric '{metric.Name}' takes a tensor of one element, and this one has shape [{string.Join(", ", value.shape)}]; declare a Reduction (Mean, Sum, Norm, Min, Max) to log one number of it.",
                nameof(value));
        }

        CheckType(metric, value);
        return value;
    }

    private static void CheckType(MetricDeclaration metric, Tensor value)
    {
        if (value.is_complex())
        {
            throw new ArgumentException($"Metric '{metric.Name}' records real numbers; the tensor is {value.dtype}.", nameof(value));
        }

        if (metric.ValueType is MetricValueType.Int32 or MetricValueType.Int64 && value.is_floating_point())
        {
            throw new ArgumentException($"Metric '{metric.Name}' is declared as an integer; the tensor is {value.dtype}. Declare it as a double, or log an integer tensor.", nameof(value));
        }
    }

    /// <summary>The element of a one-element host tensor as a double: exact for every real dtype but 64-bit integers beyond 2^53.</summary>
    public static double ReadDouble(Tensor value) => value.dtype switch
    {
        ScalarType.Float32 => value.item<float>(),
        ScalarType.Float64 => value.item<double>(),
        ScalarType.Bool => value.item<bool>() ? 1 : 0,
        // Half and bfloat16 widen to double without rounding; so do the integer types up to 2^53.
        ScalarType.Float16 or ScalarType.BFloat16 => ReadWidened<double>(value, ScalarType.Float64),
        _ => ReadWidened<long>(value, ScalarType.Int64),
    };

    /// <summary>The element of a one-element integer (or boolean) host tensor, exactly.</summary>
    public static long ReadInteger(Tensor value) => value.dtype == ScalarType.Bool
        ? (value.item<bool>() ? 1 : 0)
        : value.dtype == ScalarType.Int64 ? value.item<long>() : ReadWidened<long>(value, ScalarType.Int64);

    // The widened copy is disposed here: the scope it was made in may be the program's, which would keep it for a step.
    private static T ReadWidened<T>(Tensor value, ScalarType type)
        where T : unmanaged
    {
        using var widened = value.to_type(type);
        return widened.item<T>();
    }
}
