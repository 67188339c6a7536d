using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>The retention file: defaults, every field, and a clear refusal of anything it does not define.</summary>
public sealed class RetentionPolicyTests
{
    [Fact]
    public void A_home_without_a_policy_file_gets_the_documented_defaults()
    {
        using var home = new TemporaryDirectory("repro-retention");
        var policy = RetentionPolicy.Load(home.Path);

        Assert.Equal(TimeSpan.FromDays(30), policy.TrashFor);
        Assert.Null(policy.FailedRunsFor);
        Assert.Equal(TimeSpan.FromHours(24), policy.ObjectGrace);
        Assert.Equal(TimeSpan.FromDays(90), policy.DownsampleAfter);
        Assert.Equal(100, policy.DownsampleBucket);
        Assert.Equal("trash_days=30, failed_runs_days=never, object_grace_hours=24, downsample_after_days=90, downsample_bucket=100, growth_warning_mb_per_day=never", policy.ToString());
    }

    [Fact]
    public void Every_field_is_read_with_comments_allowed_and_null_keeps_failed_runs()
    {
        var policy = RetentionPolicy.Parse("""
            // Scalars short, failures shorter.
            { "trash_days": 7, "failed_runs_days": 0.5, "object_grace_hours": 2, "downsample_after_days": 14, "downsample_bucket": 1000, "growth_warning_mb_per_day": 500, }
            """);

        Assert.Equal(TimeSpan.FromDays(7), policy.TrashFor);
        Assert.Equal(TimeSpan.FromHours(12), policy.FailedRunsFor);
        Assert.Equal(TimeSpan.FromHours(2), policy.ObjectGrace);
        Assert.Equal(TimeSpan.FromDays(14), policy.DownsampleAfter);
        Assert.Equal(1000, policy.DownsampleBucket);
        Assert.Equal(500, policy.GrowthWarningMegabytesPerDay);
        Assert.Null(RetentionPolicy.Parse("{ \"failed_runs_days\": null }").FailedRunsFor);
        Assert.Null(RetentionPolicy.Parse("{ \"downsample_after_days\": null }").DownsampleAfter);
    }

    [Theory]
    [InlineData("{ \"trash_day\": 7 }", "unknown field \"trash_day\"")]
    [InlineData("{ \"trash_days\": -1 }", "\"trash_days\" must be a number from 0 to 36500")]
    [InlineData("{ \"trash_days\": \"30\" }", "\"trash_days\" must be a number")]
    [InlineData("{ \"trash_days\": null }", "\"trash_days\" must be a number")]
    [InlineData("{ \"object_grace_hours\": 0 }", "\"object_grace_hours\" must be a number from 1")]
    [InlineData("{ \"downsample_bucket\": 1 }", "\"downsample_bucket\" must be a number from 2 to 1000000")]
    [InlineData("{ \"downsample_bucket\": 10.5 }", "\"downsample_bucket\" must be a whole number")]
    [InlineData("{ \"downsample_after_days\": -3 }", "(or null never to downsample)")]
    [InlineData("[30]", "must hold one JSON object")]
    [InlineData("{ trash_days: 30 }", "is not JSON")]
    public void Anything_else_is_refused_naming_the_file_and_the_field(string text, string expected)
    {
        var refused = Assert.Throws<InvalidDataException>(() => RetentionPolicy.Parse(text, "/home/.repro/retention.json"));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("/home/.repro/retention.json", refused.Message, StringComparison.Ordinal);
    }
}
