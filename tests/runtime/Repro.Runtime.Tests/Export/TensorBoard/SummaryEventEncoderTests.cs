using Google.Protobuf;
using Repro.Export.TensorBoard;
using Repro.Export.TensorBoard.Proto;

namespace Repro.Runtime.Tests.Export.TensorBoard;

/// <summary>The hand-written encoding must give exactly the bytes Google.Protobuf gives for the same message.</summary>
public class SummaryEventEncoderTests
{
    private static readonly float[] s_edgeValues =
        [0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-40f];

    private static readonly long[] s_edgeSteps = [0, 1, 127, 128, 16_383, 16_384, long.MaxValue, -1, long.MinValue];

    private static readonly double[] s_edgeTimes = [0, -0.0, 1_764_000_000.123456789, double.NaN, double.Epsilon, -1];

    private static readonly string[] s_edgeTags = ["loss", "", "train/loss", "é/ü/名前", new string('x', 127), new string('y', 128), new string('z', 20_000)];

    [Fact]
    public void Scalar_events_at_every_edge_of_the_wire_format_match_google_protobuf_byte_for_byte()
    {
        var encoder = new SummaryEventEncoder();
        foreach (var step in s_edgeSteps)
        {
            foreach (var time in s_edgeTimes)
            {
                foreach (var tag in s_edgeTags)
                {
                    foreach (var value in s_edgeValues)
                    {
                        encoder.AddScalar(SummaryEventEncoder.EncodeTag(tag), value);
                        var expected = new TbEvent { WallTime = time, Step = step, Summary = new TbSummary { Value = { Scalar(tag, value) } } };

                        Assert.Equal(expected.ToByteArray(), encoder.Finish(time, step).ToArray());
                    }
                }
            }
        }
    }

    [Fact]
    public void Random_events_mixing_scalars_histograms_and_text_match_google_protobuf_byte_for_byte()
    {
        var seed = 20261206;
        var random = new Random(seed);
        var encoder = new SummaryEventEncoder();
        for (var round = 0; round < 2_000; round++)
        {
            var summary = new TbSummary();
            for (var i = random.Next(1, 400); i > 0; i--)
            {
                var tag = s_edgeTags[random.Next(s_edgeTags.Length - 1)] + random.Next(3);
                switch (random.Next(8))
                {
                    case 0:
                        var histogram = new TbSummary.Types.Value { Tag = tag, Histo = new TbHistogram { Min = random.NextDouble(), Max = 2, Num = random.Next(), BucketLimit = { 1.0, double.MaxValue }, Bucket = { 3, 4 } } };
                        encoder.Add(histogram);
                        summary.Value.Add(histogram);
                        break;
                    case 1:
                        var text = new TbSummary.Types.Value
                        {
                            Tag = tag,
                            Tensor = new TbTensor { Dtype = 7, TensorShape = new TbTensorShape(), StringVal = { ByteString.CopyFromUtf8(new string('t', random.Next(300))) } },
                            Metadata = new TbSummaryMetadata { PluginData = new TbSummaryMetadata.Types.PluginData { PluginName = "text" } },
                        };
                        encoder.Add(text);
                        summary.Value.Add(text);
                        break;
                    default:
                        var value = random.Next(4) == 0 ? s_edgeValues[random.Next(s_edgeValues.Length)] : BitConverter.Int32BitsToSingle(random.Next());
                        encoder.AddScalar(SummaryEventEncoder.EncodeTag(tag), value);
                        summary.Value.Add(Scalar(tag, value));
                        break;
                }
            }

            var step = random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64);
            var time = random.NextDouble() * 2e9;
            var expected = new TbEvent { WallTime = time, Step = step, Summary = summary }.ToByteArray();

            Assert.True(expected.AsSpan().SequenceEqual(encoder.Finish(time, step)), $"round {round}, seed {seed}");
        }
    }

    [Fact]
    public void Finish_starts_a_new_event_and_a_null_value_or_tag_is_refused()
    {
        var encoder = new SummaryEventEncoder();
        encoder.AddScalar(SummaryEventEncoder.EncodeTag("a"), 1);
        Assert.True(encoder.HasValues);
        _ = encoder.Finish(1, 1);

        Assert.False(encoder.HasValues);
        encoder.AddScalar(SummaryEventEncoder.EncodeTag("b"), 2);
        Assert.Equal(new TbEvent { WallTime = 3, Step = 4, Summary = new TbSummary { Value = { Scalar("b", 2) } } }.ToByteArray(), encoder.Finish(3, 4).ToArray());
        Assert.Throws<ArgumentNullException>(() => encoder.Add(null!));
        Assert.Throws<ArgumentNullException>(() => SummaryEventEncoder.EncodeTag(null!));
    }

    private static TbSummary.Types.Value Scalar(string tag, float value) => new() { Tag = tag, SimpleValue = value };
}
