using System.CommandLine;
using System.Text.Json;
using Repro.Provenance;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>
/// <c>repro provenance &lt;assembly-or-run-id&gt; [--json] [--require-clean]</c>: what a build was made from, read
/// from the assembly itself or from a run's manifest; a CI gate with <c>--require-clean</c>.
/// </summary>
internal static class ProvenanceCommand
{
    /// <summary>Exit code of <c>--require-clean</c> for a dirty or unstamped build (1 stays "the command failed").</summary>
    public const int NotClean = 2;

    public static Command Create(Option<string?> home)
    {
        var target = new Argument<string>("assembly-or-run-id") { Description = "An assembly file (.dll/.exe), or a run id (a unique beginning of one, or 'latest')." };
        var json = new Option<bool>("--json") { Description = "Print the provenance document as JSON." };
        var requireClean = new Option<bool>("--require-clean")
        {
            Description = $"Exit with {NotClean} unless the build is stamped, from a commit, with a clean working tree.",
        };
        var command = new Command("provenance", "Show where a build came from: commit, patch, packages, SDK, CI run (docs/formats/provenance.md).")
        {
            target, json, requireClean,
        };
        command.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var name = parse.GetValue(target)!;
            if (!File.Exists(name) && LooksLikeFile(name))
            {
                // A path that is not there is a missing file, not a malformed run id.
                throw new FileNotFoundException($"{Path.GetFullPath(name)}: no such file. Give an assembly built with Repro's targets, or a run id.", name);
            }

            var document = File.Exists(name) ? ProvenanceReader.ReadAssemblyFile(name) : context.Store.GetRun(context.RunId(name)).Build.Provenance;
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(document is { } found ? JsonSerializer.Serialize(found, Indented) : "null");
            }
            else if (document is { } found)
            {
                context.Console.Write(Table(found));
            }
            else
            {
                context.Output.WriteLine($"{name}: no Repro build stamp.");
            }

            return parse.GetValue(requireClean) && Unclean(document) is { } reason ? Refuse(context, name, reason) : 0;
        }));
        return command;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] RepositoryFlags = ["shallow", "linkedWorktree", "submodule"];

    private static string? Unclean(JsonElement? document)
    {
        if (document is not { } found)
        {
            return "it carries no Repro build stamp";
        }

        var git = found.GetProperty("git");
        if (!git.GetProperty("available").GetBoolean())
        {
            return "it was not built from a git commit";
        }

        return git.GetProperty("dirty").GetBoolean() ? "it was built from a working tree with uncommitted changes" : null;
    }

    private static int Refuse(CommandContext context, string name, string reason)
    {
        context.Error.WriteLine($"repro: {name} is not a clean build: {reason}.");
        return NotClean;
    }

    private static Table Table(JsonElement document)
    {
        var table = new Table().AddColumn("field").AddColumn("value");
        void Row(string field, string? value) => table.AddRow(Markup.Escape(field), Markup.Escape(value ?? "-"));

        var git = document.GetProperty("git");
        var build = document.GetProperty("build");
        Row("assembly", Text(document, "assembly"));
        if (!git.GetProperty("available").GetBoolean())
        {
            // Outside git there is no commit, branch, patch or clone to speak of: saying "dirty no" or
            // "full clone" would claim a clean, complete checkout that never existed.
            Row("git", "not in a git repository");
        }
        else
        {
            GitRows(git, Row);
        }

        Row("sdk", Text(build, "sdkVersion"));
        Row("target", string.Join(" ", new[] { Text(build, "targetFramework"), Text(build, "runtimeIdentifier"), Text(build, "configuration") }.Where(part => part is not null)));
        Row("os", Text(build, "os"));
        Row("version", Text(build, "nerdbankVersion"));
        if (document.GetProperty("ci") is { ValueKind: JsonValueKind.Object } ci)
        {
            Row("ci", $"{Text(ci, "provider")} {Text(ci, "runUrl") ?? Text(ci, "runId")}".Trim());
        }

        var packages = document.GetProperty("packages");
        foreach (var lockFile in packages.GetProperty("lockFiles").EnumerateObject())
        {
            Row("lock file", $"{lockFile.Name} sha256:{lockFile.Value.GetString()}");
        }

        Row("packages", $"{packages.GetProperty("resolved").GetArrayLength()} resolved");
        return table;
    }

    private static void GitRows(JsonElement git, Action<string, string?> row)
    {
        row("commit", Text(git, "commit"));
        row("branch", git.GetProperty("detached").GetBoolean() ? "(detached HEAD)" : Text(git, "branch"));
        row("commit time", Text(git, "commitTime"));
        row("dirty", git.GetProperty("dirty").GetBoolean() ? "yes" : "no");
        if (git.GetProperty("patch") is { ValueKind: JsonValueKind.Object } patch)
        {
            row("patch", $"{Text(patch, "sha256")} ({patch.GetProperty("bytes").GetInt64()} bytes) {Text(patch, "file")}");
            row("patch note", Text(patch, "note"));
        }

        row("remote", Text(git, "remoteUrl"));
        row("repository", string.Join(", ", RepositoryFlags.Where(flag => git.GetProperty(flag).GetBoolean())) is { Length: > 0 } flags ? flags : "full clone");
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool LooksLikeFile(string name) =>
        name.Contains('/', StringComparison.Ordinal) || name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
        || name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase);
}
