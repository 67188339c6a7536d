using System.Text.RegularExpressions;
using Repro.Events;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Events;

/// <summary>
/// docs/formats/events.md lists every event type with what it carries, and says which are not written yet.
/// These tests hold that table to the schema and to the code that writes events, so it cannot go stale
/// (it once said hyperparameter events were "written by later work" after they were written).
/// </summary>
public sealed partial class EventKindsDocumentationTests
{
    private static readonly string s_document = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "formats", "events.md"));

    [Fact]
    public void The_table_lists_every_type_of_the_schema_and_no_other()
    {
        var schema = Enum.GetValues<Event.ValueOneofCase>().Where(c => c != Event.ValueOneofCase.None)
            .Select(EventJsonWriter.TypeName).ToHashSet(StringComparer.Ordinal);
        var documented = Rows().SelectMany(r => r.Types).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(schema.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_type_the_table_calls_not_yet_written_is_set_nowhere_in_the_runtime_and_every_other_type_is_set_somewhere()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "runtime"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        foreach (var row in Rows())
        {
            foreach (var type in row.Types)
            {
                var property = Enum.GetValues<Event.ValueOneofCase>().Single(c => EventJsonWriter.TypeName(c) == type).ToString();
                var assignment = new Regex($@"\b{property}\s*=\s*(new\b|Sample\(|_|[a-z]\w*\b)");
                var written = sources.Any(assignment.IsMatch);
                Assert.True(written != row.NotYetWritten,
                    $"docs/formats/events.md says `{type}` is {(row.NotYetWritten ? "not written yet" : "written")}, but the runtime {(written ? "sets" : "never sets")} Event.{property}.");
            }
        }
    }

    private static IEnumerable<(string[] Types, bool NotYetWritten)> Rows()
    {
        var events = s_document[s_document.IndexOf("## Events", StringComparison.Ordinal)..];
        foreach (Match row in TableRow().Matches(events))
        {
            var types = BacktickedWord().Matches(row.Groups["type"].Value).Select(m => m.Groups[1].Value).ToArray();
            if (types.Length > 0)
            {
                yield return (types, row.Value.Contains("written by later work", StringComparison.Ordinal));
            }
        }
    }

    [GeneratedRegex(@"^\| (?<type>[^|]+) \|.*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("`([a-z_]+)`")]
    private static partial Regex BacktickedWord();
}
