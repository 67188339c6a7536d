using Repro.Fuzz;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

/// <summary>
/// Replays the corpus the coverage-guided fuzzer (eng/fuzz/fuzz-wal.sh, AFL++ with SharpFuzz) kept:
/// every input that reached new code in the WAL readers, and any crash it found once fixed, must keep
/// the readers' contract (<see cref="WalFuzzTarget"/>).
/// </summary>
public class FuzzCorpusTests
{
    public static TheoryData<string> Inputs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "fuzz", "corpus", "wal")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void The_corpus_is_there_and_holds_more_than_the_seeds()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "tests", "fuzz", "corpus", "wal"));

        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("seed-", StringComparison.Ordinal));
        Assert.Contains(files, f => !Path.GetFileName(f).StartsWith("seed-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_corpus_input_keeps_the_WAL_readers_contract(string input)
    {
        using var scratch = new TemporaryDirectory("repro-fuzz-replay");
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "fuzz", "corpus", "wal", input));

        WalFuzzTarget.Check(bytes, Path.Combine(scratch.Path, "wal"));
    }
}
