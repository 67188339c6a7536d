using System.Text;
using Repro.Storage.Audit;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Audit;

/// <summary>
/// The audit log is a hash chain: an edited, removed or reordered record is named by <see cref="AuditLog.Verify"/>,
/// appends from many threads stay one unbroken chain, a torn last line from a crash is cut off, reasons are redacted
/// and the file is owner-only.
/// </summary>
public sealed class AuditLogTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_untouched_log_verifies_and_each_record_names_its_predecessor()
    {
        using var home = new TemporaryDirectory("repro-audit");
        var first = AuditLog.Append(home.Path, "index rebuild", details: new Dictionary<string, string> { ["runs"] = "3" }, now: s_now);
        var second = AuditLog.Append(home.Path, "runs delete", ["01J0000000000000000000000A"], reason: "wrong dataset", now: s_now);

        Assert.Equal((1L, AuditLog.Genesis), (first.Sequence, first.Previous));
        Assert.Equal((2L, first.Hash), (second.Sequence, second.Previous));
        Assert.Equal(["index rebuild", "runs delete"], AuditLog.Read(home.Path).Select(r => r.Action));
        Assert.Equal(Environment.UserName, second.User);
        Assert.Equal("wrong dataset", second.Reason);
        var verification = AuditLog.Verify(home.Path);
        Assert.True(verification.Intact, string.Join("\n", verification.Problems));
        Assert.Equal((2L, second.Hash), (verification.Records, verification.Head));
    }

    [Fact]
    public void An_edited_record_is_detected_even_when_its_own_hash_is_recomputed()
    {
        using var home = Log(4);
        var path = AuditLog.PathOf(home.Path);
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("reason 2", "reason X", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        Assert.Contains(AuditLog.Verify(home.Path).Problems, p => p.StartsWith("line 2: record 2", StringComparison.Ordinal) && p.Contains("altered", StringComparison.Ordinal));

        // A forger who also rewrites the record's own hash still breaks the next record's link.
        var body = lines[1][..^75] + "}";
        var forged = string.Concat(lines[1].AsSpan(0, lines[1].Length - 75), ",\"hash\":\"", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body))), "\"}");
        lines[1] = forged;
        File.WriteAllLines(path, lines);
        var problems = AuditLog.Verify(home.Path).Problems;
        Assert.Equal(["line 3: record 3 (action 3) does not follow the record before it (its chain link differs)"], problems);
    }

    [Fact]
    public void A_removed_record_and_two_swapped_records_are_detected()
    {
        using (var home = Log(5))
        {
            var path = AuditLog.PathOf(home.Path);
            var lines = File.ReadAllLines(path).ToList();
            lines.RemoveAt(2);
            File.WriteAllLines(path, lines);
            Assert.Equal(["line 3: record 3 is missing before record 4 (action 4)"], AuditLog.Verify(home.Path).Problems);
        }

        using (var home = Log(5))
        {
            var path = AuditLog.PathOf(home.Path);
            var lines = File.ReadAllLines(path);
            (lines[1], lines[2]) = (lines[2], lines[1]);
            File.WriteAllLines(path, lines);
            var problems = AuditLog.Verify(home.Path).Problems;
            Assert.Contains(problems, p => p.StartsWith("line 2: record 2 is missing", StringComparison.Ordinal));
            Assert.Contains(problems, p => p.StartsWith("line 3: record 2 (action 2) is out of order", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_cut_off_tail_is_detected_against_a_head_hash_kept_elsewhere()
    {
        using var home = Log(3);
        var head = AuditLog.Verify(home.Path).Head;
        var path = AuditLog.PathOf(home.Path);
        File.WriteAllLines(path, File.ReadAllLines(path)[..2]);

        var after = AuditLog.Verify(home.Path);
        Assert.True(after.Intact);
        Assert.NotEqual(head, after.Head);
    }

    [Fact]
    public void A_torn_last_line_from_a_crash_is_reported_then_cut_off_by_the_next_append()
    {
        using var home = Log(2);
        var path = AuditLog.PathOf(home.Path);
        File.AppendAllText(path, "{\"seq\":3,\"time\":\"2026-12-");

        Assert.Contains(AuditLog.Verify(home.Path).Problems, p => p.StartsWith("line 3: not an audit record", StringComparison.Ordinal));
        var next = AuditLog.Append(home.Path, "gc", now: s_now);
        Assert.Equal(3L, next.Sequence);
        Assert.True(AuditLog.Verify(home.Path).Intact);
    }

    [Fact]
    public void Appends_from_many_threads_form_one_chain()
    {
        using var home = new TemporaryDirectory("repro-audit-threads");
        Parallel.For(0, 40, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => AuditLog.Append(home.Path, $"action {i}", now: s_now));

        var verification = AuditLog.Verify(home.Path);
        Assert.True(verification.Intact, string.Join("\n", verification.Problems));
        Assert.Equal(40L, verification.Records);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"action {i}").Order(), AuditLog.Read(home.Path).Select(r => r.Action).Order());
    }

    [Fact]
    public void Secrets_in_reasons_and_details_are_redacted_and_the_file_is_owner_only()
    {
        using var home = new TemporaryDirectory("repro-audit-secret");
        AuditLog.Append(home.Path, "export", reason: "shared with password=hunter2-very-secret", details: new Dictionary<string, string> { ["target"] = "s3://bucket?token=abcdefabcdefabcdef" }, now: s_now);

        var text = File.ReadAllText(AuditLog.PathOf(home.Path));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefabcdefabcdef", text, StringComparison.Ordinal);
        Assert.True(AuditLog.Verify(home.Path).Intact);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(AuditLog.PathOf(home.Path)));
        }
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_error_and_appends_nothing()
    {
        using var home = new TemporaryDirectory("repro-audit-bad");
        Assert.Throws<ArgumentException>(() => AuditLog.Append(home.Path, " "));
        var huge = Enumerable.Range(0, 2_000).Select(i => $"01J{i:D23}").ToArray();
        var error = Assert.Throws<ArgumentException>(() => AuditLog.Append(home.Path, "runs delete", huge));
        Assert.Contains("at most 16384 bytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(AuditLog.Read(home.Path));
    }

    private static TemporaryDirectory Log(int records)
    {
        var home = new TemporaryDirectory("repro-audit");
        for (var i = 1; i <= records; i++)
        {
            AuditLog.Append(home.Path, $"action {i}", reason: $"reason {i}", now: s_now);
        }

        return home;
    }
}
