using System.Text.RegularExpressions;

namespace Repro.EndToEnd.Tests.Packaging;

/// <summary>
/// A fenced code block of the README that a reader is told to run or paste. Its info string says where:
/// <c>```sh repro-checkout</c> (commands in the Repro repository), <c>```sh new-project</c> (commands in a folder
/// for a new project), <c>```sh your-project</c> (commands in the reader's project) or <c>```lang file=NAME</c>
/// (a file of the reader's project). Blocks without such a word are illustrations and are not run.
/// </summary>
internal sealed partial record ReadmeBlock(string Place, string? FileName, string Text, int Line)
{
    public const string ReproCheckout = "repro-checkout";
    public const string NewProject = "new-project";
    public const string YourProject = "your-project";

    /// <summary>The blocks of <paramref name="markdown"/> that are run or pasted, in document order.</summary>
    public static IReadOnlyList<ReadmeBlock> Parse(string markdown)
    {
        var blocks = new List<ReadmeBlock>();
        foreach (Match match in FencedBlock().Matches(markdown.ReplaceLineEndings("\n")))
        {
            var words = match.Groups["info"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var line = markdown[..match.Index].Count(c => c == '\n') + 1;
            var file = words.Select(w => w.StartsWith("file=", StringComparison.Ordinal) ? w["file=".Length..] : null).FirstOrDefault(w => w is not null);
            var place = words.FirstOrDefault(w => w is ReproCheckout or NewProject or YourProject);
            if (file is not null)
            {
                blocks.Add(new ReadmeBlock(YourProject, file, match.Groups["body"].Value, line));
            }
            else if (place is not null)
            {
                blocks.Add(new ReadmeBlock(place, null, match.Groups["body"].Value, line));
            }
        }

        return blocks;
    }

    /// <summary>The commands of a shell block, one per line, with their trailing comments.</summary>
    public IEnumerable<ReadmeCommand> Commands() =>
        Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(ReadmeCommand.Parse);

    [GeneratedRegex(@"^```(?<info>[^\n]*)\n(?<body>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();
}

/// <summary>One command line of a README block: what to type, and the exit code its comment promises (0 unless
/// the comment says "exits with N").</summary>
internal sealed partial record ReadmeCommand(string CommandLine, string Comment, int ExpectedExitCode)
{
    public static ReadmeCommand Parse(string line)
    {
        var hash = line.IndexOf(" #", StringComparison.Ordinal);
        var command = (hash < 0 ? line : line[..hash]).Trim();
        var comment = hash < 0 ? string.Empty : line[(hash + 2)..].Trim();
        var exit = ExitsWith().Match(comment);
        return new ReadmeCommand(command, comment, exit.Success ? int.Parse(exit.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"exits with (\d+)")]
    private static partial Regex ExitsWith();
}
