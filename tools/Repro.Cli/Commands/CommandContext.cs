using System.CommandLine;
using Repro.Storage;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>What every command needs: the store it reads, where it writes, and uniform error handling.</summary>
internal sealed class CommandContext
{
    private CommandContext(RunStore store, TextWriter output, TextWriter error)
    {
        Store = store;
        Output = output;
        Error = error;
        var isTerminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!isTerminal)
        {
            // Piped or captured output has no width to fit; don't wrap ids and timestamps at 80 columns.
            Console.Profile.Width = PipedWidth;
        }
    }

    private const int PipedWidth = 200;

    public RunStore Store { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console writing to <see cref="Output"/>, plain text unless it is a terminal.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Runs <paramref name="body"/>, turning the errors a user can cause into a message and exit code 1.</summary>
    public static int Run(ParseResult parse, Option<string?> home, Func<CommandContext, int> body)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var context = new CommandContext(new RunStore(ReproHome.Resolve(parse.GetValue(home))), output, error);
            return body(context);
        }
        catch (Exception e) when (e is RunNotFoundException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            // ArgumentException appends "(Parameter 'x')", which means nothing to someone at a prompt.
            var message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            error.WriteLine($"repro: {message}");
            return 1;
        }
    }
}
