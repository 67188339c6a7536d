using System.CommandLine;
using System.Text.RegularExpressions;
using Repro.Tests.Shared;

namespace Repro.Cli.Tests;

/// <summary>
/// docs/cli.md and the README name the commands and options of <c>repro</c>; these tests hold them to the
/// command line the tool actually builds, both ways: nothing the tool has is undocumented, nothing the docs
/// name is missing, and every example command line parses.
/// </summary>
public sealed partial class CliDocumentationTests
{
    private static readonly string s_cliPage = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cli.md"));
    private static readonly string s_readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [Fact]
    public void Every_command_has_a_row_in_the_table_of_docs_cli_that_names_each_of_its_options()
    {
        foreach (var (path, command) in Commands(ReproCli.CreateRootCommand(), string.Empty).Where(c => c.Command.Subcommands.Count == 0))
        {
            var row = s_cliPage.Split('\n').FirstOrDefault(l => l.StartsWith('|') && l.Contains($"`{path}", StringComparison.Ordinal));
            Assert.True(row is not null, $"docs/cli.md has no row for `repro {path}`.");
            foreach (var option in command.Options.Where(o => !o.Recursive && o.Name is not ("--help" or "--version")))
            {
                Assert.True(new[] { option.Name }.Concat(option.Aliases).Any(name => row.Contains(name, StringComparison.Ordinal)),
                    $"docs/cli.md's row for `repro {path}` does not name its option {option.Name}.");
            }
        }
    }

    [Fact]
    public void Every_option_of_every_command_is_named_in_docs_cli()
    {
        var root = ReproCli.CreateRootCommand();
        foreach (var option in Commands(root, string.Empty).SelectMany(c => c.Command.Options).Concat(root.Options).Where(o => o.Name is not ("--help" or "--version")))
        {
            Assert.True(new[] { option.Name }.Concat(option.Aliases).Any(name => Regex.IsMatch(s_cliPage, $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])")),
                $"docs/cli.md never names {option.Name}.");
        }
    }

    [Fact]
    public void Every_option_the_docs_and_the_readme_name_exists()
    {
        var root = ReproCli.CreateRootCommand();
        var options = Commands(root, string.Empty).SelectMany(c => c.Command.Options).Concat(root.Options).SelectMany(o => o.Aliases.Append(o.Name))
            .Append("--help").ToHashSet(StringComparer.Ordinal);
        foreach (var text in new[] { WithoutInstallSection(s_cliPage), CliExamples(s_readme) })
        {
            foreach (Match option in OptionName().Matches(text))
            {
                Assert.True(options.Contains(option.Value), $"The docs name {option.Value}, which no repro command has.");
            }
        }
    }

    [Fact]
    public void Every_example_command_line_in_the_readme_parses()
    {
        var examples = CliExamples(s_readme).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(examples);
        foreach (var example in examples)
        {
            // Placeholders stand for a run, an assembly or a file the reader chooses.
            // Split as a shell would: a double-quoted stretch is one argument.
            var args = ShellWord().Matches(Placeholder().Replace(example, "01JDQ4Z7")).Select(m => m.Value.Trim('"')).ToArray();
            var parsed = ReproCli.CreateRootCommand().Parse(args);
            Assert.True(parsed.Errors.Count == 0, $"README: `repro {example}`: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
        }
    }

    /// <summary>The page without its "Installing" section, whose options are the dotnet command's.</summary>
    private static string WithoutInstallSection(string page)
    {
        var start = page.IndexOf("## Installing", StringComparison.Ordinal);
        var end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return start < 0 ? page : page[..start] + page[end..];
    }

    private static IEnumerable<(string Path, Command Command)> Commands(Command command, string path)
    {
        foreach (var subcommand in command.Subcommands)
        {
            var subpath = (path + " " + subcommand.Name).Trim();
            yield return (subpath, subcommand);
            foreach (var nested in Commands(subcommand, subpath))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The README's `repro …` command lines (through `dotnet run --project tools/Repro.Cli --` or the tool), comments removed.</summary>
    private static string CliExamples(string readme) => string.Join('\n', ReadmeCliLine().Matches(readme).Select(m => m.Groups["args"].Value.Trim()));

    [GeneratedRegex("\"[^\"]*\"|[^\\s\"]+")]
    private static partial Regex ShellWord();

    [GeneratedRegex(@"^(?:dotnet run --project tools/Repro\.Cli --|repro) (?<args>[^#\n]*)", RegexOptions.Multiline)]
    private static partial Regex ReadmeCliLine();

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z-]*\b")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"<[a-z-]+>")]
    private static partial Regex Placeholder();
}
