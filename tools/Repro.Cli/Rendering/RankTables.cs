using System.Globalization;
using Repro.Runs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Repro.Cli.Rendering;

/// <summary>The ranks of a distributed job, as <c>repro runs show</c> lists them under one rank's run.</summary>
internal static class RankTables
{
    /// <summary>One row per rank that recorded: its run, host, state and events; ranks that never started are named below.</summary>
    public static IRenderable Ranks(string job, IReadOnlyList<RunManifest> ranks)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"Job {job}: {Summary(ranks)}"))
            .AddColumn(new TableColumn("Rank").RightAligned()).AddColumn("Run id").AddColumn("Host").AddColumn("Status")
            .AddColumn(new TableColumn("Events").RightAligned()).AddColumn("Failure");
        foreach (var m in ranks)
        {
            table.AddRow(
                m.Environment.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(m.RunId),
                Markup.Escape(m.Environment.Host),
                RunTables.StatusMarkup(m.Status),
                m.LastSequence.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(m.Failure is { } failure ? Shorten(failure) : string.Empty));
        }

        var worldSize = ranks.Count == 0 ? 0 : ranks.Max(m => m.Environment.WorldSize);
        var missing = Enumerable.Range(0, worldSize).Except(ranks.Select(m => m.Environment.Rank)).ToList();
        if (missing.Count > 0)
        {
            table.Caption(Markup.Escape($"No run recorded for rank {string.Join(", ", missing)}."));
        }

        return table;
    }

    /// <summary>"4 ranks: 3 finished, 1 crashed".</summary>
    internal static string Summary(IReadOnlyList<RunManifest> ranks) =>
        string.Create(CultureInfo.InvariantCulture, $"{ranks.Count} rank{(ranks.Count == 1 ? string.Empty : "s")}: ")
        + string.Join(", ", ranks.GroupBy(m => m.Status).OrderBy(g => g.Key).Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {RunStatusWord(g.Key)}"));

    private static string RunStatusWord(RunStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..79] + "…";
}
