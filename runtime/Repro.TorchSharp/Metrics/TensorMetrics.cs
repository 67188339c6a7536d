using TorchSharp;
using static TorchSharp.torch;

namespace Repro.TorchSharp.Metrics;

/// <summary>
/// Logs metric values that are TorchSharp tensors — what a generated <c>[Metric]</c> method with a tensor
/// parameter calls. The value is reduced on the tensor's own device and, on a GPU, copied to the host without
/// waiting: the training thread never waits for the device. A background thread per run reads the copies once
/// the device has produced them and logs them in the order they were logged. On the CPU the value is already
/// computed, so it is read at once, as <c>item()</c> would.
/// </summary>
public static class TensorMetrics
{
    /// <summary>Tests only: treat CPU tensors as a GPU's, so that the deferred path runs on a machine without one.</summary>
    internal static bool DeferOnCpu { get; set; }

    /// <summary>
    /// Tests only: told of every operation by which Repro waits for a device or reads a tensor into host memory
    /// ("item", "synchronize"), on the thread that performs it, so that tests can see which thread waits.
    /// </summary>
    internal static Action<string>? HostRead { get; set; }

    /// <summary>
    /// Logs <paramref name="value"/> as <paramref name="metric"/> at <paramref name="step"/> into
    /// <paramref name="run"/>; does nothing when <paramref name="run"/> is null (no run is active). A histogram
    /// metric (<see cref="MetricAggregation.Histogram"/>) counts every element of the tensor into its buckets on
    /// the device; any other metric records one number: the tensor's only element, or its
    /// <paramref name="reduction"/>. The numbers are exactly those <c>item()</c> would give, widened to double.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor does not fit the metric: several elements and no reduction, not
    /// floating point for a histogram, floating point for an integer metric, or complex.</exception>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public static void Log(Run? run, MetricDeclaration metric, long step, Tensor value, TensorReduction reduction = TensorReduction.None)
    {
        if (run is null)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(metric);
        ArgumentNullException.ThrowIfNull(value);
        if (run.IsEnded)
        {
            throw new InvalidOperationException($"The run has ended; metric '{metric.Name}' cannot be logged into it.");
        }

        if (step % metric.Options.EveryNSteps != 0)
        {
            return; // sampled out, as LogScalar would: no device work at all
        }

        var histogram = metric.Options.Aggregation == MetricAggregation.Histogram;
        if (histogram && reduction != TensorReduction.None)
        {
            throw new ArgumentException($"Metric '{metric.Name}' is a histogram: it counts every element of the tensor and takes no reduction ({reduction} was given).", nameof(reduction));
        }

        var kind = histogram ? PendingKind.Histogram : metric.ValueType is MetricValueType.Int32 or MetricValueType.Int64 ? PendingKind.Integer : PendingKind.Scalar;
        var immediate = value.device_type == DeviceType.CPU && !DeferOnCpu;
        if (immediate && reduction == TensorReduction.None && !histogram)
        {
            // The common case, a loss on the CPU: the number is computed already, and reading it is item() itself.
            TensorReductions.CheckSingle(metric, value);
            Record(run, new PendingValue(metric, step, value, kind));
            return;
        }

        if (immediate && !histogram)
        {
            // A reduction on the CPU: computed here, read, and disposed at once (no scope: they cost a microsecond).
            using var noGradient = value.requires_grad ? torch.no_grad() : null;
            using var number = TensorReductions.Reduce(metric, value, reduction);
            Record(run, new PendingValue(metric, step, number, kind));
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var pending = new PendingValue(metric, step, histogram ? DeviceHistogram.Count(metric, value) : TensorReductions.Reduce(metric, value, reduction), kind);
        if (immediate)
        {
            Record(run, pending);
            return;
        }

        // A copy, not the tensor itself: the program may change its tensor in place before the copy is read.
        // From a GPU, non_blocking gives page-locked host memory that the device fills while the program goes on.
        var host = pending.Value.to(DeviceType.CPU, -1, copy: true, disposeAfter: false, non_blocking: true).DetachFromDisposeScope();
        PendingTensorValues.For(run).Enqueue(pending with { Value = host, Device = pending.Value.device_type == DeviceType.CPU ? null : pending.Value.device });
    }

    /// <summary>Reads a computed value into host memory and logs it. Runs on the logging thread (CPU) or the run's resolver.</summary>
    internal static void Record(Run run, PendingValue pending)
    {
        HostRead?.Invoke("item");
        switch (pending.Kind)
        {
            case PendingKind.Histogram:
                var counts = pending.Value.data<long>().ToArray();
                var unsigned = new ulong[counts.Length - 1];
                for (var i = 0; i < unsigned.Length; i++)
                {
                    unsigned[i] = (ulong)counts[i];
                }

                run.LogHistogram(pending.Metric, pending.Step, unsigned, (ulong)counts[^1]);
                break;
            case PendingKind.Integer:
                run.LogInteger(pending.Metric, pending.Step, TensorReductions.ReadInteger(pending.Value));
                break;
            default:
                run.LogScalar(pending.Metric, pending.Step, TensorReductions.ReadDouble(pending.Value));
                break;
        }
    }
}

/// <summary>What a pending value turns into once read.</summary>
internal enum PendingKind
{
    Scalar,
    Integer,
    Histogram,
}

/// <summary>A logged tensor value: the host tensor that will hold it, and the device that fills it (null on the CPU).</summary>
internal sealed record PendingValue(MetricDeclaration Metric, long Step, Tensor Value, PendingKind Kind)
{
    public Device? Device { get; init; }
}
