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
    [InlineData("{ \"keep_last_checkpoints\": 2.5 }", "\"keep_last_checkpoints\" must be a whole number")]
    [InlineData("{ \"keep_last_checkpoints\": -1 }", "(or null to keep every checkpoint)")]
    [InlineData("{ \"downsample_summaries\": 0 }", "\"downsample_summaries\" must be a number from 1 to 1000000")]
    [InlineData("[30]", "must hold one JSON object")]
    [InlineData("{ trash_days: 30 }", "is not JSON")]
    public void Anything_else_is_refused_naming_the_file_and_the_field(string text, string expected)
    {
        var refused = Assert.Throws<InvalidDataException>(() => RetentionPolicy.Parse(text, "/home/.repro/retention.json"));

        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("/home/.repro/retention.json", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keep_last_checkpoints_is_read_and_shown_only_when_set()
    {
        Assert.Null(new RetentionPolicy().KeepLastCheckpoints);
        Assert.DoesNotContain("keep_last_checkpoints", new RetentionPolicy().ToString(), StringComparison.Ordinal);
        var policy = RetentionPolicy.Parse("{ \"keep_last_checkpoints\": 3 }");
        Assert.Equal(3, policy.KeepLastCheckpoints);
        Assert.EndsWith("keep_last_checkpoints=3", policy.ToString(), StringComparison.Ordinal);
        Assert.Null(RetentionPolicy.Parse("{ \"keep_last_checkpoints\": null }").KeepLastCheckpoints);
        Assert.Equal(10, new RetentionPolicy().DownsampleSummaries);
        Assert.Equal(1, RetentionPolicy.Parse("{ \"downsample_summaries\": 1 }").DownsampleSummaries);
        Assert.Contains("downsample_summaries=1", RetentionPolicy.Parse("{ \"downsample_summaries\": 1 }").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_runs_retention_tags_override_the_run_level_fields_for_that_run_only()
    {
        var home = new RetentionPolicy { KeepLastCheckpoints = 5 };
        var tags = new Dictionary<string, string>
        {
            ["retention.keep_last_checkpoints"] = "never",
            ["retention.failed_runs_days"] = "7",
            ["retention.downsample_after_days"] = "never",
            ["retention.downsample_bucket"] = "1000",
            ["model"] = "mlp",
        };

        var own = home.ForRun(tags, out var problem);

        Assert.Null(problem);
        Assert.NotNull(own);
        Assert.Null(own.KeepLastCheckpoints);
        Assert.Equal(TimeSpan.FromDays(7), own.FailedRunsFor);
        Assert.Null(own.DownsampleAfter);
        Assert.Equal(1000, own.DownsampleBucket);
        Assert.Equal(home.TrashFor, own.TrashFor);
        Assert.Equal(5, home.KeepLastCheckpoints); // the home's policy is unchanged
        Assert.Same(home, home.ForRun(new Dictionary<string, string> { ["retention"] = "keep" }, out _));
    }

    [Theory]
    [InlineData("retention.trash_days", "1", "applies to the whole home")]
    [InlineData("retention.object_grace_hours", "1", "applies to the whole home")]
    [InlineData("retention.keep_last", "1", "unknown field")]
    [InlineData("retention.keep_last_checkpoints", "three", "is not a number or never")]
    [InlineData("retention.keep_last_checkpoints", "1.5", "must be a whole number")]
    [InlineData("retention.downsample_bucket", "never", "must be a number from 2")]
    [InlineData("retention.failed_runs_days", "-1", "must be a number from 0")]
    public void A_bad_override_tag_is_refused_with_the_tag_named(string key, string value, string expected)
    {
        var own = new RetentionPolicy().ForRun(new Dictionary<string, string> { [key] = value }, out var problem);

        Assert.Null(own);
        Assert.Contains(key, problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
