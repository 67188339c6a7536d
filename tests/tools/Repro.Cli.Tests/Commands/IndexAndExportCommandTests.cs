using Repro.Tests.Shared;
using System.Text.Json;
using Repro.Runs;

namespace Repro.Cli.Tests.Commands;

[Collection(SequentialRuns.Name)]
public class IndexAndExportCommandTests
{
    [Fact]
    public void Export_appends_a_run_once_however_often_it_is_repeated()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 5);
        var file = Path.Combine(cli.Home, "export.jsonl");

        var first = cli.Invoke("export", id, "--output", file);
        var second = cli.Invoke("export", id, "-o", file);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("Exported 8 events", first.Output, StringComparison.Ordinal); // started, declared, 5 scalars, finished
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Exported 0 events", second.Output, StringComparison.Ordinal);
        var lines = File.ReadAllLines(file);
        Assert.Equal(8, lines.Length);
        Assert.All(lines, l => Assert.Equal(id, JsonDocument.Parse(l).RootElement.GetProperty("runId").GetString()));
    }

    [Fact]
    public void Export_of_an_unknown_run_fails_before_creating_a_file()
    {
        using var cli = new CliHarness();
        var file = Path.Combine(cli.Home, "export.jsonl");

        var (code, _, error) = cli.Invoke("export", "01M8CS53VMDSF5MQWKRC2VHBTE", "-o", file);

        Assert.Equal(1, code);
        Assert.Contains("No run", error, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Index_update_adds_only_what_is_new_and_rebuild_starts_from_the_WALs()
    {
        using var cli = new CliHarness();
        cli.RecordRun("a", 3);

        var first = cli.Invoke("index", "update");
        cli.RecordRun("b", 2);
        var second = cli.Invoke("index", "update");
        var rebuilt = cli.Invoke("index", "rebuild");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("1 runs, 6 events added", first.Output, StringComparison.Ordinal);
        Assert.Contains("2 runs, 5 events added", second.Output, StringComparison.Ordinal);
        Assert.Contains("Rebuilt", rebuilt.Output, StringComparison.Ordinal);
        Assert.Contains("2 runs, 11 events added", rebuilt.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_left_running_by_a_dead_process_is_shown_as_crashed_after_recovery()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 3);
        // What a killed process leaves behind: a manifest still saying "running", its lock released,
        // and a WAL whose last record was cut short.
        var folder = Path.Combine(cli.Home, "runs", id);
        var manifestPath = Path.Combine(folder, "manifest.json");
        var manifest = RunManifestJson.Read(manifestPath);
        RunManifestJson.Write(manifestPath, manifest with { Status = RunStatus.Running, EndedAt = null });
        var segment = Path.Combine(folder, "wal", "00000001.log");
        File.WriteAllBytes(segment, File.ReadAllBytes(segment)[..^7]);

        var (code, output, _) = cli.Invoke("runs", "show", id);

        Assert.Equal(0, code);
        Assert.Contains("crashed", output, StringComparison.Ordinal);
        Assert.Contains("Recovery", output, StringComparison.Ordinal);
        Assert.Contains("bytes of torn tail", output, StringComparison.Ordinal);
        var list = cli.Invoke("runs", "list", "--json");
        Assert.Equal("crashed", JsonDocument.Parse(list.Output).RootElement[0].GetProperty("status").GetString());
    }

    [Fact]
    public void Export_for_tensorboard_writes_one_event_file_into_the_folder_and_says_how_to_view_it()
    {
        using var cli = new CliHarness();
        var id = cli.RecordRun("baseline", 5);
        using var folder = new TemporaryDirectory("repro-tb-cli");

        var (code, output, error) = cli.Invoke("export", id, "--format", "tensorboard", "-o", folder.Path);

        Assert.Equal(0, code);
        Assert.Empty(error);
        var file = Assert.Single(Directory.GetFiles(folder.Path));
        Assert.EndsWith("." + id, file, StringComparison.Ordinal);
        Assert.Contains("5 scalars", output, StringComparison.Ordinal);
        Assert.Contains($"tensorboard --logdir {folder.Path}", output, StringComparison.Ordinal);
        Assert.Equal(2, cli.Invoke("export", id, "--format", "parquet", "-o", folder.Path).ExitCode);
    }
}
