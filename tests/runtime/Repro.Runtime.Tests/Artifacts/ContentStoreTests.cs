using System.Diagnostics;
using System.Security.Cryptography;
using Repro.Artifacts;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Artifacts;

/// <summary>The content-addressed store: names are SHA-256, content is stored once, every read verifies.</summary>
public class ContentStoreTests
{
    [Fact]
    public void Content_is_named_by_its_sha256_stored_once_and_read_only()
    {
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);
        var bytes = RandomBytes(seed: 1, 100_000);

        var first = store.Put(new MemoryStream(bytes));
        var second = store.Put(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), first.Hash);
        Assert.False(first.AlreadyStored);
        Assert.True(second.AlreadyStored);
        Assert.Equal(first.Hash, second.Hash);
        Assert.Equal(bytes.Length, first.Size);
        Assert.Equal([first.Hash], store.List());
        Assert.Equal(Path.Combine(home.Path, "objects", "sha256", first.Hash[..2], first.Hash), store.PathOf(first.Hash));
        Assert.Equal(bytes, store.ReadAllBytes(first.Hash));
        Assert.Empty(Directory.GetFiles(Path.Combine(home.Path, "objects", "tmp")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(store.PathOf(first.Hash)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(home.Path, "objects")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.PathOf(first.Hash))!));
        }
    }

    [Fact]
    public void A_flipped_bit_is_reported_with_the_objects_name_and_never_returned_as_good()
    {
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);
        var bytes = RandomBytes(seed: 2, 4096);
        var hash = store.Put(bytes).Hash;
        var path = store.PathOf(hash);
        if (OperatingSystem.IsWindows())
        {
            File.SetAttributes(path, FileAttributes.Normal);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var damaged = (byte[])bytes.Clone();
        damaged[1234] ^= 0x10;
        File.WriteAllBytes(path, damaged);

        var destination = home.Combine("out", "copy.bin");
        foreach (var read in new Action[]
        {
            () => store.Verify(hash),
            () => store.ReadAllBytes(hash),
            () => store.VerifiedPath(hash),
            () => store.CopyTo(hash, destination),
        })
        {
            var error = Assert.Throws<CorruptObjectException>(read);
            Assert.Equal(hash, error.ObjectName);
            Assert.Contains(hash, error.Message, StringComparison.Ordinal);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(damaged)), error.ActualHash);
        }

        Assert.False(File.Exists(destination));
        Assert.Empty(Directory.GetFiles(home.Combine("out")));
    }

    [Fact]
    public void A_verified_copy_appears_whole()
    {
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);
        var bytes = RandomBytes(seed: 3, 3_000_000);
        var hash = store.Put(bytes).Hash;

        store.CopyTo(hash, home.Combine("restored", "model.bin"));

        Assert.Equal(bytes, File.ReadAllBytes(home.Combine("restored", "model.bin")));
    }

    [Fact]
    public void Unknown_and_malformed_names_get_clear_errors()
    {
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);

        var missing = Assert.Throws<ObjectNotFoundException>(() => store.Verify(new string('a', 64)));
        Assert.Contains(new string('a', 64), missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => store.PathOf("../../etc/passwd"));
        Assert.Throws<ArgumentException>(() => store.PathOf(new string('A', 64)));
        Assert.Throws<ArgumentException>(() => store.PathOf(new string('a', 63)));
    }

    [Fact]
    public void A_file_is_hashed_while_it_is_copied_and_equals_sha256sum()
    {
        using var home = new TemporaryDirectory();
        var file = home.Combine("weights.bin");
        File.WriteAllBytes(file, RandomBytes(seed: 4, 5_000_000));
        var store = new ContentStore(home.Path);

        var stored = store.PutFile(file);

        Assert.Equal(Sha256Sum(file), stored.Hash);
        Assert.Equal(5_000_000, stored.Size);
    }

    [SkippableFact]
    public void A_file_whose_size_changes_while_it_is_read_is_refused_and_nothing_is_referenced()
    {
        // /proc files report a size of 0 and then yield bytes: deterministically a file that "changed" while read.
        Skip.IfNot(OperatingSystem.IsLinux(), "needs /proc");
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);

        var error = Assert.Throws<IOException>(() => store.PutFile("/proc/self/status"));

        Assert.Contains("changed while", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(home.Path, "objects", "tmp")));
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        using var home = new TemporaryDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new ContentStore(home.Path).PutFile(home.Combine("nope.bin")));
        Assert.Contains("nope.bin", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_full_disk_fails_the_store_cleanly_and_the_store_stays_usable()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "Mounting a 2 MiB tmpfs needs root (CI runs as root).");
        using var mount = new TemporaryDirectory("repro-cas-enospc");
        Exec("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mount.Path);
        try
        {
            var store = new ContentStore(mount.Path);
            var small = store.Put(RandomBytes(seed: 5, 1000));

            var error = Assert.Throws<ReproHomeException>(() => store.Put(RandomBytes(seed: 6, 3_000_000)));

            Assert.Contains("no space left", error.Message, StringComparison.Ordinal);
            Assert.Equal([small.Hash], store.List());
            Assert.Empty(Directory.GetFiles(Path.Combine(mount.Path, "objects", "tmp")));
            store.Verify(small.Hash);
            Assert.False(store.Put(RandomBytes(seed: 7, 1000)).AlreadyStored);
        }
        finally
        {
            Exec("umount", "-l", mount.Path);
        }
    }

    [Fact]
    public void Stores_from_many_threads_at_once_keep_one_copy()
    {
        using var home = new TemporaryDirectory();
        var store = new ContentStore(home.Path);
        var bytes = RandomBytes(seed: 8, 200_000);

        var results = Enumerable.Range(0, 8).AsParallel().Select(_ => store.Put(bytes)).ToList();

        Assert.Single(results.Select(result => result.Hash).Distinct());
        Assert.Single(store.List());
        Assert.Equal(bytes, store.ReadAllBytes(results[0].Hash));
    }

    internal static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static string Sha256Sum(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("sha256sum", [file]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split(' ')[0];
    }

    private static void Exec(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
    }
}
