using Repro.Pipeline;

namespace Repro.Runtime.Tests.Pipeline;

public class EventPipelineOptionsTests
{
    public static TheoryData<EventPipelineOptions, string> InvalidOptions => new()
    {
        { new EventPipelineOptions { BufferCapacity = 100 }, nameof(EventPipelineOptions.BufferCapacity) },
        { new EventPipelineOptions { BufferCapacity = 32 }, nameof(EventPipelineOptions.BufferCapacity) },
        { new EventPipelineOptions { FullPolicy = (BufferFullPolicy)7 }, nameof(EventPipelineOptions.FullPolicy) },
        { new EventPipelineOptions { MaxBatchSize = 0 }, nameof(EventPipelineOptions.MaxBatchSize) },
        { new EventPipelineOptions { SegmentSizeBytes = 100 }, nameof(EventPipelineOptions.SegmentSizeBytes) },
        { new EventPipelineOptions { FsyncInterval = TimeSpan.FromSeconds(-2) }, nameof(EventPipelineOptions.FsyncInterval) },
        { new EventPipelineOptions { FsyncBytes = 0 }, nameof(EventPipelineOptions.FsyncBytes) },
        { new EventPipelineOptions { IdleWait = TimeSpan.Zero }, nameof(EventPipelineOptions.IdleWait) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Each_invalid_setting_is_named_in_the_error(EventPipelineOptions options, string setting)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void The_defaults_are_valid() => new EventPipelineOptions().Validate();

    [Fact]
    public void Infinite_fsync_interval_is_allowed() => new EventPipelineOptions { FsyncInterval = Timeout.InfiniteTimeSpan }.Validate();
}
