using System.CommandLine;
using Repro.Storage;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary>What every command needs: the store it reads, where it writes, and uniform error handling.</summary>
internal sealed class CommandContext
{
    private CommandContext(ReproHomeLocation home, string? store, TextWriter output, TextWriter error)
    {
        HomeLocation = home;
        Store = new RunStore(home.Path);
        Reader = StoreOption.Resolve(store) is { } address ? new Storage.Postgres.PostgresRunReader(address) : Store;
        Output = output;
        Error = error;
        var isTerminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        IsTerminal = isTerminal;
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

    /// <summary>
    /// Where commands that read runs read them: the central store named by <c>--store</c> or <c>REPRO_STORE</c> for the
    /// commands that take <c>--store</c>, else the local home (<see cref="Store"/>).
    /// </summary>
    public IRunReader Reader { get; }

    /// <summary>Whether <see cref="Reader"/> is the local home.</summary>
    public bool ReadsLocalHome => ReferenceEquals(Reader, Store);

    /// <summary>Whether output goes to a terminal: progress bars are drawn only there.</summary>
    public bool IsTerminal { get; }

    /// <summary>The home the commands read, and how it was chosen.</summary>
    public ReproHomeLocation HomeLocation { get; }

    /// <summary>"the Repro home /x/.repro (the repository root)": for messages that must say which home was read.</summary>
    public string HomeDescription => $"the Repro home {HomeLocation.Path} ({HomeLocation.Source})";

    /// <summary>The full run id for what the user typed: an id, a unique beginning of one, or 'latest' (in <see cref="Reader"/>).</summary>
    public string RunId(string typed) => Reader.ResolveRunId(typed);

    /// <summary>
    /// Fails with a message that names the home, how it was chosen and what to do, when it does not exist:
    /// for commands that would otherwise create files in a folder nobody has recorded into.
    /// </summary>
    public void RequireHome()
    {
        if (!Directory.Exists(HomeLocation.Path))
        {
            throw new ReproHomeException(
                $"There is no Repro home at {HomeLocation.Path} (chosen: {HomeLocation.Source}); nothing has been recorded there. " +
                $"Run a program that calls Run.Start, or point --home or {ReproHome.EnvironmentVariable} at an existing home.",
                new DirectoryNotFoundException(HomeLocation.Path),
                HomeLocation.Path);
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Spectre console writing to <see cref="Output"/>, plain text unless it is a terminal.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>
    /// Runs <paramref name="body"/>, turning the errors a user can cause into one message and an exit
    /// code: <see cref="ExitCodes.Usage"/> for input that cannot be right (a malformed or ambiguous run id),
    /// <see cref="ExitCodes.Failure"/> for everything else (no such run, unreadable files, the home).
    /// </summary>
    /// <param name="parse">The parsed command line.</param>
    /// <param name="home">The <c>--home</c> option.</param>
    /// <param name="body">The command.</param>
    /// <param name="store">The command's <c>--store</c> option, for commands that read runs from either store; null for commands that work on the local home only.</param>
    public static int Run(ParseResult parse, Option<string?> home, Func<CommandContext, int> body, Option<string?>? store = null)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var context = new CommandContext(ReproHome.Locate(parse.GetValue(home)), store is null ? StoreOption.Local : parse.GetValue(store), output, error);
            return body(context);
        }
        catch (ArgumentException e)
        {
            // ArgumentException appends "(Parameter 'x')", which means nothing to someone at a prompt.
            var message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
            error.WriteLine($"repro: {message}");
            return ExitCodes.Usage;
        }
        catch (FormatException e)
        {
            // A filter, a time or a condition that cannot be read: what was typed is wrong, not the home.
            error.WriteLine($"repro: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is RunNotFoundException or InvalidDataException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            error.WriteLine($"repro: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or Storage.Postgres.PostgresStoreException or Storage.Postgres.ShipperBusyException)
        {
            error.WriteLine($"repro: {Security.SecretRedactor.Redact(e.Message)}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            error.WriteLine($"repro: the remote artifact store refused or could not be reached: {Security.SecretRedactor.Redact(e.Message)}");
            return ExitCodes.Failure;
        }
    }
}
