using System.CommandLine;
using System.Globalization;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Cli.Commands;

/// <summary>The options of <c>repro runs list</c> that choose and order runs, and how they become a <see cref="RunSearch"/>.</summary>
internal sealed class RunFilters
{
    public Option<string?> Name { get; } = new("--name") { Description = "Runs with this name; * and ? match any characters and any one character." };

    public Option<string[]> Status { get; } = new("--status") { Description = "Runs in this status: running, finished, failed or crashed (repeat for several).", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> Tag { get; } = new("--tag") { Description = "Runs carrying this tag: key=value, or key for any value (repeat: all must hold)." };

    public Option<string?> Since { get; } = new("--since") { Description = "Runs started at or after this time: 2026-12-01, 2026-12-01T08:00 (UTC unless an offset is given), or an age such as 7d, 12h, 30m." };

    public Option<string?> Until { get; } = new("--until") { Description = "Runs started before this time (same forms as --since)." };

    public Option<string?> Commit { get; } = new("--commit") { Description = "Runs built from a commit starting with this." };

    public Option<string[]> Where { get; } = new("--where") { Description = "A condition on a hyperparameter, such as \"learning_rate >= 0.01\" or \"optimizer = adam\" (repeat: all must hold; nested ones by dotted path)." };

    public Option<string?> Sort { get; } = new("--sort") { Description = "Order by a metric: best:NAME (best first, by the metric's goal), last:NAME (ascending), or NAME (best when it has a goal, else last). Runs without it come last." };

    public Option<bool> Reverse { get; } = new("--reverse") { Description = "Reverse the order given by --sort." };

    public Option<int?> Limit { get; } = new("--limit") { Description = "Show at most this many runs." };

    public IEnumerable<Option> All => [Name, Status, Tag, Since, Until, Commit, Where, Sort, Reverse, Limit];

    /// <summary>The search the parsed options describe, checked.</summary>
    /// <exception cref="FormatException">An option's value cannot be read; the message names it.</exception>
    public RunSearch ToSearch(ParseResult parse, DateTimeOffset now)
    {
        var limit = parse.GetValue(Limit);
        if (limit is <= 0)
        {
            throw new FormatException($"--limit must be a positive number; it was {limit.Value.ToString(CultureInfo.InvariantCulture)}.");
        }

        var sort = parse.GetValue(Sort);
        if (sort is null && parse.GetValue(Reverse))
        {
            throw new FormatException("--reverse reverses the order given by --sort; give --sort too.");
        }

        return new RunSearch
        {
            Name = parse.GetValue(Name),
            Statuses = (parse.GetValue(Status) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(ParseStatus).Distinct().ToList(),
            Tags = (parse.GetValue(Tag) ?? []).Select(ParseTag).ToList(),
            StartedAfter = parse.GetValue(Since) is { } since ? ParseTime(since, now, "--since") : null,
            StartedBefore = parse.GetValue(Until) is { } until ? ParseTime(until, now, "--until") : null,
            Commit = parse.GetValue(Commit) is { } commit ? ParseCommit(commit) : null,
            Where = (parse.GetValue(Where) ?? []).Select(ParameterCondition.Parse).ToList(),
            Sort = sort is null ? null : MetricSort.Parse(sort, parse.GetValue(Reverse)),
            Limit = limit,
        };
    }

    private static RunStatus ParseStatus(string text) =>
        Enum.TryParse<RunStatus>(text, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(text, out _)
            ? status
            : throw new FormatException($"'{text}' is not a run status: use running, finished, failed or crashed.");

    private static KeyValuePair<string, string?> ParseTag(string text)
    {
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            var key = text.Trim();
            return key.Length > 0 ? new(key, null) : throw new FormatException("--tag needs key=value or a key.");
        }

        try
        {
            var tag = RunTags.Parse(text);
            return new(tag.Key, tag.Value);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message.Split(" (Parameter", 2)[0], e);
        }
    }

    private static string ParseCommit(string text)
    {
        var commit = text.Trim();
        return commit.Length is >= 4 and <= 64 && commit.All(Uri.IsHexDigit)
            ? commit
            : throw new FormatException($"--commit takes 4 to 64 hexadecimal digits of a commit id; '{text}' is not one.");
    }

    /// <summary>A moment: an ISO date or date and time (UTC unless an offset is given), or an age before <paramref name="now"/> (7d, 12h, 30m, 45s).</summary>
    internal static DateTimeOffset ParseTime(string text, DateTimeOffset now, string option)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount <= 100_000)
        {
            TimeSpan? age = char.ToLowerInvariant(trimmed[^1]) switch
            {
                'd' => TimeSpan.FromDays(amount),
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (age is { } span)
            {
                return now - span;
            }
        }

        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];
        if (DateTimeOffset.TryParseExact(trimmed, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment)
            || DateTimeOffset.TryParseExact(trimmed, "O", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out moment)
            || DateTimeOffset.TryParseExact(trimmed, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out moment))
        {
            return moment;
        }

        throw new FormatException($"{option} '{text}' is not a time: write 2026-12-01, 2026-12-01T08:00 (UTC), 2026-12-01T08:00:00+01:00, or an age such as 7d, 12h, 30m.");
    }
}
