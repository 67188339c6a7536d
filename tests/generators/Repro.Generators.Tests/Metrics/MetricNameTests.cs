using Repro.Generators.Metrics;

namespace Repro.Generators.Tests.Metrics;

public class MetricNameTests
{
    [Theory]
    [InlineData("LogLoss", "loss")]
    [InlineData("LogTrainLoss", "train_loss")]
    [InlineData("LogValidationAccuracy", "validation_accuracy")]
    [InlineData("LogGPUMemory", "gpu_memory")]
    [InlineData("LogLr2Decay", "lr2_decay")]
    [InlineData("Loss", "loss")]
    [InlineData("Logarithm", "logarithm")]
    [InlineData("RecordF1Score", "record_f1_score")]
    public void Names_are_derived_from_method_names(string method, string metric) =>
        Assert.Equal(metric, MetricParser.DeriveName(method));
}
