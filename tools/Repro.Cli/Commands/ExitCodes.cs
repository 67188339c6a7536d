namespace Repro.Cli.Commands;

/// <summary>The exit codes of every <c>repro</c> command (listed by <c>repro --help</c> and docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed: no such run, a damaged log, a home that cannot be read or written.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown command or option, malformed run id), or a gate said no (<c>provenance --require-clean</c>).</summary>
    public const int Usage = 2;

    /// <summary>The table <c>repro --help</c> prints.</summary>
    public const string Table = "Exit codes: 0 success; 1 failure (no such run, damaged log, home not usable); 2 usage error or a gate that said no (--require-clean).";
}
