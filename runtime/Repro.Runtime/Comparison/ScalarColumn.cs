namespace Repro.Comparison;

/// <summary>
/// One metric's steps and values, as two columns grown in fixed chunks: no copying while growing and at most one
/// chunk unused, so ten million values take 160 MB rather than twice that at an unlucky doubling.
/// </summary>
internal sealed class ScalarColumn
{
    private const int ChunkBits = 16;
    private const int ChunkMask = (1 << ChunkBits) - 1;
    private readonly List<long[]> _steps = [];
    private readonly List<double[]> _values = [];

    public long Count { get; private set; }

    public long StepAt(long index) => _steps[(int)(index >> ChunkBits)][index & ChunkMask];

    public double ValueAt(long index) => _values[(int)(index >> ChunkBits)][index & ChunkMask];

    public void Add(long step, double value)
    {
        var offset = Count & ChunkMask;
        if (offset == 0)
        {
            _steps.Add(new long[1 << ChunkBits]);
            _values.Add(new double[1 << ChunkBits]);
        }

        _steps[^1][offset] = step;
        _values[^1][offset] = value;
        Count++;
    }
}
