using System.Globalization;
using System.Text.Json;

namespace Repro.Storage.Maintenance;

/// <summary>
/// What <c>repro gc</c> removes, read from <c>$REPRO_HOME/retention.json</c> (defaults when there is none). A run
/// tagged <c>retention=keep</c> is exempt from every rule that would remove it. Format and defaults:
/// <c>docs/formats/retention.md</c>.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>The policy file's name in the home.</summary>
    public const string FileName = "retention.json";

    /// <summary>The tag that exempts a run from removal (<c>retention=keep</c>).</summary>
    public const string KeepTag = "retention";

    /// <summary>The value of <see cref="KeepTag"/> that exempts a run.</summary>
    public const string KeepValue = "keep";

    /// <summary>How long a deleted run stays in the trash before gc removes it for good (30 days by default).</summary>
    public TimeSpan TrashFor { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long after it ended a failed or crashed run is moved to the trash (by gc, which empties the trash later); null (the default) keeps them.</summary>
    public TimeSpan? FailedRunsFor { get; init; }

    /// <summary>
    /// How old an unreferenced object must be before gc removes it (24 hours by default): a run stores an object
    /// before the event that references it, and re-storing identical content freshens the object's time.
    /// </summary>
    public TimeSpan ObjectGrace { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after it ended a run's raw scalars are downsampled into buckets (90 days by default); null never
    /// downsamples.
    /// </summary>
    public TimeSpan? DownsampleAfter { get; init; } = TimeSpan.FromDays(90);

    /// <summary>The most raw values of one metric a downsampled bucket summarises (100 by default).</summary>
    public int DownsampleBucket { get; init; } = 100;

    /// <summary>
    /// The most logged intervals of a histogram or sketch metric that downsampling merges into one coarser interval
    /// (10 by default): histogram counts are added exactly, sketches merged into one t-digest. 1 leaves them as logged.
    /// </summary>
    public int DownsampleSummaries { get; init; } = 10;

    /// <summary>
    /// When the home grows faster than this many megabytes (10^6 bytes) a day, measured at each run's start, the run
    /// records a warning and logs it; null (the default) never warns.
    /// </summary>
    public double? GrowthWarningMegabytesPerDay { get; init; }

    /// <summary>
    /// How many untagged checkpoints of an ended run gc keeps: the newest this many; older ones are pruned (their
    /// objects removed, a record left in the run's <c>pruned.json</c>). Checkpoints a tag points at (<c>last</c>,
    /// <c>best/…</c>, a user's) are always kept. Null (the default) keeps every checkpoint.
    /// </summary>
    public int? KeepLastCheckpoints { get; init; }

    /// <summary>The prefix of the run tags that override a run-level field for that run: <c>retention.failed_runs_days=7</c>.</summary>
    public const string OverrideTagPrefix = "retention.";

    /// <summary>The fields a run's tags may override (the others apply to the whole home).</summary>
    public static IReadOnlyList<string> RunFields { get; } = ["failed_runs_days", "downsample_after_days", "downsample_bucket", "downsample_summaries", "keep_last_checkpoints"];

    /// <summary>
    /// The policy for one run: this one with the run's <c>retention.&lt;field&gt;=&lt;value&gt;</c> tags applied (a
    /// number, or <c>never</c> for a field that may be null).
    /// </summary>
    /// <param name="tags">The run's tags.</param>
    /// <param name="problem">Why an override tag was refused (a home-wide or unknown field, a bad value); the policy returned is then null.</param>
    public RetentionPolicy? ForRun(IReadOnlyDictionary<string, string> tags, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(tags);
        problem = null;
        var policy = this;
        foreach (var (key, value) in tags.Where(t => t.Key.StartsWith(OverrideTagPrefix, StringComparison.Ordinal)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var field = key[OverrideTagPrefix.Length..];
            if (!RunFields.Contains(field))
            {
                problem = s_fields.Contains(field)
                    ? $"tag {key}: {field} applies to the whole home (retention.json), not to one run; a run may override {string.Join(", ", RunFields)}"
                    : $"tag {key}: unknown field; a run may override {string.Join(", ", RunFields)}";
                return null;
            }

            var text = value.Trim();
            var json = string.Equals(text, "never", StringComparison.OrdinalIgnoreCase) ? "null"
                : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture)
                : null;
            if (json is null)
            {
                problem = $"tag {key}: \"{value}\" is not a number{(s_nullable.ContainsKey(field) ? " or never" : "")}";
                return null;
            }

            using var document = JsonDocument.Parse($"{{\"{field}\": {json}}}");
            try
            {
                policy = Apply(policy, document.RootElement.EnumerateObject().Single(), "tag " + key);
            }
            catch (InvalidDataException e)
            {
                problem = e.Message;
                return null;
            }
        }

        return policy;
    }

    /// <summary>The policy file of <paramref name="home"/>.</summary>
    public static string PathOf(string home) => Path.Combine(home, FileName);

    /// <summary>The home's policy: its <c>retention.json</c>, or the defaults when it has none.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid policy; the message names the file and the field.</exception>
    public static RetentionPolicy Load(string home)
    {
        var path = PathOf(home);
        return File.Exists(path) ? Parse(File.ReadAllText(path), path) : new RetentionPolicy();
    }

    /// <summary>Parses a policy; unknown fields are refused, so a misspelt rule never silently keeps or removes data.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid policy.</exception>
    public static RetentionPolicy Parse(string json, string source = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{source} must hold one JSON object, such as {{ \"trash_days\": 30 }}.");
            }

            var policy = new RetentionPolicy();
            foreach (var field in document.RootElement.EnumerateObject())
            {
                policy = Apply(policy, field, source);
            }

            return policy;
        }
    }

    private static RetentionPolicy Apply(RetentionPolicy policy, JsonProperty field, string source) => field.Name switch
        {
            "trash_days" => policy with { TrashFor = TimeSpan.FromDays(Number(field, source, 0, 36_500)!.Value) },
            "failed_runs_days" => policy with { FailedRunsFor = Number(field, source, 0, 36_500) is { } days ? TimeSpan.FromDays(days) : null },
            "object_grace_hours" => policy with { ObjectGrace = TimeSpan.FromHours(Number(field, source, 1, 87_600)!.Value) },
            "downsample_after_days" => policy with { DownsampleAfter = Number(field, source, 0, 36_500) is { } days ? TimeSpan.FromDays(days) : null },
            "downsample_bucket" => policy with { DownsampleBucket = (int)Whole(field, source, 2, 1_000_000) },
            "downsample_summaries" => policy with { DownsampleSummaries = (int)Whole(field, source, 1, 1_000_000) },
            "growth_warning_mb_per_day" => policy with { GrowthWarningMegabytesPerDay = Number(field, source, 0.001, 1e12) },
            "keep_last_checkpoints" => policy with { KeepLastCheckpoints = Number(field, source, 0, 1_000_000) is null ? null : (int)Whole(field, source, 0, 1_000_000) },
            _ => throw new InvalidDataException($"{source}: unknown field \"{field.Name}\"; the fields are {string.Join(", ", s_fields)}."),
        };

    /// <summary>The policy as a user would write it, for messages and the audit log.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"trash_days={TrashFor.TotalDays:0.###}, failed_runs_days={Days(FailedRunsFor)}, object_grace_hours={ObjectGrace.TotalHours:0.###}, downsample_after_days={Days(DownsampleAfter)}, downsample_bucket={DownsampleBucket}{(DownsampleSummaries != 10 ? $", downsample_summaries={DownsampleSummaries}" : "")}, growth_warning_mb_per_day={(GrowthWarningMegabytesPerDay is { } growth ? growth.ToString("0.###", CultureInfo.InvariantCulture) : "never")}{(KeepLastCheckpoints is { } keep ? $", keep_last_checkpoints={keep}" : "")}");

    private static readonly string[] s_fields = ["trash_days", "failed_runs_days", "object_grace_hours", "downsample_after_days", "downsample_bucket", "downsample_summaries", "growth_warning_mb_per_day", "keep_last_checkpoints"];

    /// <summary>The fields that may be null, and what null means.</summary>
    private static readonly Dictionary<string, string> s_nullable = new(StringComparer.Ordinal)
    {
        ["failed_runs_days"] = "null to keep failed runs",
        ["downsample_after_days"] = "null never to downsample",
        ["growth_warning_mb_per_day"] = "null never to warn",
        ["keep_last_checkpoints"] = "null to keep every checkpoint",
    };

    private static string Days(TimeSpan? days) => days is { } d ? d.TotalDays.ToString("0.###", CultureInfo.InvariantCulture) : "never";

    private static double? Number(JsonProperty field, string source, double minimum, double maximum)
    {
        var value = field.Value;
        if (value.ValueKind == JsonValueKind.Null && s_nullable.ContainsKey(field.Name))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || double.IsNaN(number) || number < minimum || number > maximum)
        {
            throw new InvalidDataException($"{source}: \"{field.Name}\" must be a number from {minimum.ToString(CultureInfo.InvariantCulture)} to {maximum.ToString(CultureInfo.InvariantCulture)}{(s_nullable.TryGetValue(field.Name, out var meaning) ? $" (or {meaning})" : "")}; it is {value.GetRawText()}.");
        }

        return number;
    }

    private static double Whole(JsonProperty field, string source, double minimum, double maximum)
    {
        var number = Number(field, source, minimum, maximum)!.Value;
        return number == Math.Floor(number) ? number : throw new InvalidDataException($"{source}: \"{field.Name}\" must be a whole number; it is {field.Value.GetRawText()}.");
    }
}
