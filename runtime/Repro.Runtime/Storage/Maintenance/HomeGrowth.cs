using System.Globalization;
using System.Text.Json;

namespace Repro.Storage.Maintenance;

/// <summary>How fast a home grew: its size now, an earlier sample, and the rate between them.</summary>
/// <param name="Bytes">The home's size now.</param>
/// <param name="EarlierBytes">Its size at the earlier sample.</param>
/// <param name="Since">How long ago that sample was taken.</param>
public sealed record HomeGrowthRate(long Bytes, long EarlierBytes, TimeSpan Since)
{
    /// <summary>Growth in bytes a day between the two samples (negative when the home shrank).</summary>
    public double BytesPerDay => (Bytes - EarlierBytes) / Since.TotalDays;
}

/// <summary>
/// Samples of a home's size, one per run start, in <c>usage.jsonl</c> (owner-only; the last 200 kept), so a run can
/// warn when the home grows faster than the policy's <c>growth_warning_mb_per_day</c>.
/// </summary>
public static class HomeGrowth
{
    /// <summary>The samples' file in the home.</summary>
    public const string FileName = "usage.jsonl";

    private const int KeptSamples = 200;

    /// <summary>The shortest span a rate is measured over: a few minutes' growth says little about a day's.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromHours(1);

    /// <summary>
    /// Measures the home, records the sample, and returns the rate since the sample closest to a day ago (at least
    /// <see cref="MinimumSpan"/> old); null when there is none that old yet.
    /// </summary>
    public static HomeGrowthRate? Sample(string home, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        var path = Path.Combine(home, FileName);
        var samples = Read(path);
        var bytes = FolderSize.Of(home) - (File.Exists(path) ? new FileInfo(path).Length : 0);
        HomeGrowthRate? rate = null;
        var earlier = samples.Where(s => now - s.Time >= MinimumSpan).OrderBy(s => Math.Abs((now - s.Time - TimeSpan.FromDays(1)).Ticks)).FirstOrDefault();
        if (earlier != default)
        {
            rate = new HomeGrowthRate(bytes, earlier.Bytes, now - earlier.Time);
        }

        samples.Add((now, bytes));
        AtomicFile.WriteAllText(path, string.Concat(samples.TakeLast(KeptSamples).Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{{\"time\":\"{s.Time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\",\"bytes\":{s.Bytes}}}\n"))));
        return rate;
    }

    /// <summary>The samples kept; lines that cannot be read are left out (the file is rewritten whole at the next sample).</summary>
    private static List<(DateTimeOffset Time, long Bytes)> Read(string path)
    {
        var samples = new List<(DateTimeOffset, long)>();
        if (!File.Exists(path))
        {
            return samples;
        }

        foreach (var line in File.ReadLines(path))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                samples.Add((DateTimeOffset.Parse(document.RootElement.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), document.RootElement.GetProperty("bytes").GetInt64()));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
            {
                // A torn or edited line: skipped.
            }
        }

        return samples;
    }
}
