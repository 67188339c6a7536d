using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Repro.Pipeline;
using Repro.Wal;

namespace Repro.Benchmarks.Runtime;

/// <summary>
/// The writer's stages for one batch of 8,192 scalars, to see where its time per scalar goes:
/// putting entries into a lane and taking them out, encoding them, and the CRC of the encoded bytes.
/// </summary>
[WarmupCount(3)]
[IterationCount(10)]
public class WriterStageBenchmarks
{
    private const int Batch = 8192;
    private readonly ScalarEntry[] _entries = new ScalarEntry[Batch];
    private readonly ScalarLanes _lanes = new(Batch);
    private readonly ScalarBatchEncoder _encoder = new();
    private readonly RunClock _clock = new();
    private readonly byte[] _id = new byte[16];
    private byte[] _buffer = [];
    private int _encoded;
    private byte[] _packed = [];

    [GlobalSetup]
    public void Setup()
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < Batch; i++)
        {
            _entries[i] = new ScalarEntry { MetricId = i % 2, Step = i / 2, Value = 1.0 / (i + 1), Timestamp = now + (i * 37) };
        }

        _buffer = new byte[ScalarBatchEncoder.MaxEncodedSize(Batch)];
        _encoded = _encoder.Encode(_buffer, _entries, _id, 1, _clock);
        _packed = _buffer.AsSpan(0, _encoder.EncodePacked(_buffer, _entries, _id, 1, _clock)).ToArray();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FillAndDrainLane()
    {
        for (var i = 0; i < Batch; i++)
        {
            _lanes.Enqueue(_entries[i], BufferFullPolicy.DropNewest, giveUp: false);
        }

        return _lanes.DequeueMany(_entries, barrier: null);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Encode() => _encoder.Encode(_buffer, _entries, _id, 1, _clock);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int EncodePacked() => _encoder.EncodePacked(_buffer, _entries, _id, 1, _clock);

    [Benchmark(OperationsPerInvoke = Batch)]
    public int DecodePacked()
    {
        var batch = Repro.Events.Packing.PackedScalarDecoder.ParseRecord(_packed).Scalars;
        return batch.Values.Count;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public uint Crc() => Crc32C.Compute(_buffer.AsSpan(0, _encoded));
}
