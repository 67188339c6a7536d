using System.Diagnostics;
using Repro.Datasets;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Datasets;

/// <summary>
/// Dataset fingerprints: the Merkle root recomputed by an independent implementation of docs/formats/datasets.md,
/// canonical order, the cache of file hashes, and the inputs that must be refused.
/// </summary>
public class DatasetHasherTests
{
    // An independent implementation of the encoding in docs/formats/datasets.md, in Python, run on the same folder.
    private const string ReferenceImplementation = """
        import hashlib, os, sys

        def node(folder):
            entries = []
            for name in os.listdir(folder):
                path = os.path.join(folder, name)
                if os.path.isdir(path):
                    digest, size = node(path)
                    if size is None:
                        continue
                    entries.append((name.encode(), b'd', digest, size))
                else:
                    with open(path, 'rb') as f:
                        data = f.read()
                    entries.append((name.encode(), b'f', hashlib.sha256(data).hexdigest(), len(data)))
            if not entries:
                return None, None
            entries.sort(key=lambda e: e[0])
            h = hashlib.sha256()
            for name, kind, digest, size in entries:
                h.update(kind + b' ' + digest.encode() + b' ' + str(size).encode() + b' ' + name + b'\0')
            return h.hexdigest(), sum(e[3] for e in entries)

        print(node(sys.argv[1])[0])
        """;

    [Fact]
    public void The_root_matches_an_independent_implementation_of_the_documented_encoding()
    {
        using var data = new TemporaryDirectory();
        Write(data, "train/cat/001.png", "meow");
        Write(data, "train/cat/002.png", "purr");
        Write(data, "train/dog/001.png", "woof");
        Write(data, "labels.csv", "path,label\n");
        Write(data, "Zebra.txt", "uppercase sorts first");
        Write(data, "train/ünïcode ñame.bin", "utf-8 names");
        Write(data, "empty.bin", string.Empty);
        Directory.CreateDirectory(data.Combine("no-data-here", "deeper"));

        var fingerprint = DatasetHasher.HashDirectory(data.Path);

        Assert.Equal(Python(data.Path), fingerprint.Root);
        Assert.Equal(7, fingerprint.Files);
        Assert.Equal(4 + 4 + 4 + 11 + 21 + 11, fingerprint.Bytes);
        Assert.Equal(["Zebra.txt", "empty.bin", "labels.csv", "train/cat/001.png", "train/cat/002.png", "train/dog/001.png", "train/ünïcode ñame.bin"],
            fingerprint.FileList.Select(file => file.RelativePath));
        Assert.Equal(fingerprint.Root, MerkleTree.Root(fingerprint.FileList.Reverse()));
    }

    [Fact]
    public void Renaming_moving_or_changing_a_file_changes_the_root_and_creation_order_does_not()
    {
        using var a = new TemporaryDirectory();
        using var b = new TemporaryDirectory();
        Write(a, "x/1.txt", "one");
        Write(a, "x/2.txt", "two");
        Write(b, "x/2.txt", "two");
        Write(b, "x/1.txt", "one");
        var root = DatasetHasher.HashDirectory(a.Path).Root;
        Assert.Equal(root, DatasetHasher.HashDirectory(b.Path).Root);

        File.Move(b.Combine("x", "2.txt"), b.Combine("x", "3.txt"));
        var renamed = DatasetHasher.HashDirectory(b.Path).Root;
        Directory.CreateDirectory(b.Combine("y"));
        File.Move(b.Combine("x", "3.txt"), b.Combine("y", "3.txt"));
        var moved = DatasetHasher.HashDirectory(b.Path).Root;
        File.WriteAllText(b.Combine("y", "3.txt"), "twO");
        var changed = DatasetHasher.HashDirectory(b.Path).Root;

        Assert.Equal(4, new[] { root, renamed, moved, changed }.Distinct().Count());
    }

    [Fact]
    public void An_unchanged_dataset_is_fingerprinted_from_the_cache_and_a_changed_file_is_rehashed()
    {
        using var home = new TemporaryDirectory();
        using var data = new TemporaryDirectory();
        for (var i = 0; i < 50; i++)
        {
            Write(data, $"shard-{i:D2}.bin", new string((char)('a' + (i % 26)), 100 + i));
        }

        // Files written just now are "racy": their timestamps are too close to the hashing to be trusted yet.
        AgeFiles(data.Path, TimeSpan.FromMinutes(5));
        using var cache = new FileHashCache(home.Path);
        var options = new DatasetHashOptions { Cache = cache };

        var first = DatasetHasher.HashDirectory(data.Path, options);
        var second = DatasetHasher.HashDirectory(data.Path, options);
        File.WriteAllText(data.Combine("shard-07.bin"), "changed");
        File.SetLastWriteTimeUtc(data.Combine("shard-07.bin"), DateTime.UtcNow.AddMinutes(-1));
        var third = DatasetHasher.HashDirectory(data.Path, options);
        var verified = DatasetHasher.HashDirectory(data.Path, options with { Verify = true });

        Assert.Equal(50, first.FilesHashed);
        Assert.Equal(0, second.FilesHashed);
        Assert.Equal(first.Root, second.Root);
        Assert.Equal(1, third.FilesHashed);
        Assert.NotEqual(first.Root, third.Root);
        Assert.Equal(50, verified.FilesHashed);
        Assert.Equal(third.Root, verified.Root);
        Assert.Equal(third.Root, DatasetHasher.HashDirectory(data.Path).Root);
    }

    [Fact]
    public void A_file_changed_within_the_same_timestamp_tick_is_never_taken_from_the_cache()
    {
        using var home = new TemporaryDirectory();
        using var data = new TemporaryDirectory();
        Write(data, "a.bin", "1111");
        using var cache = new FileHashCache(home.Path);
        var options = new DatasetHashOptions { Cache = cache };
        var modified = File.GetLastWriteTimeUtc(data.Combine("a.bin"));

        DatasetHasher.HashDirectory(data.Path, options);
        File.WriteAllText(data.Combine("a.bin"), "2222"); // same size
        File.SetLastWriteTimeUtc(data.Combine("a.bin"), modified); // and the same modification time
        var again = DatasetHasher.HashDirectory(data.Path, options);

        Assert.Equal(1, again.FilesHashed);
        Assert.Equal(DatasetHasher.HashDirectory(data.Path).Root, again.Root);
    }

    [SkippableFact]
    public void Links_inside_the_root_are_followed_and_loops_escapes_and_dangling_links_are_refused()
    {
        Skip.If(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        using var outside = new TemporaryDirectory();
        using var data = new TemporaryDirectory();
        Write(data, "real/a.txt", "a");
        File.CreateSymbolicLink(data.Combine("alias.txt"), data.Combine("real", "a.txt"));
        Directory.CreateSymbolicLink(data.Combine("mirror"), data.Combine("real"));

        var followed = DatasetHasher.HashDirectory(data.Path);
        Assert.Equal(["alias.txt", "mirror/a.txt", "real/a.txt"], followed.FileList.Select(file => file.RelativePath));
        Assert.Single(followed.FileList.Select(file => file.Sha256).Distinct());

        Directory.CreateSymbolicLink(data.Combine("real", "loop"), data.Path);
        var loop = Assert.Throws<DatasetException>(() => DatasetHasher.HashDirectory(data.Path));
        Assert.Contains("loop", loop.Message, StringComparison.Ordinal);
        File.Delete(data.Combine("real", "loop"));

        Write(outside, "secret.txt", "not part of the dataset");
        File.CreateSymbolicLink(data.Combine("escape.txt"), outside.Combine("secret.txt"));
        var escape = Assert.Throws<DatasetException>(() => DatasetHasher.HashDirectory(data.Path));
        Assert.Contains("outside the dataset's root", escape.Message, StringComparison.Ordinal);
        File.Delete(data.Combine("escape.txt"));

        File.CreateSymbolicLink(data.Combine("dangling.txt"), data.Combine("gone.txt"));
        var dangling = Assert.Throws<DatasetException>(() => DatasetHasher.HashDirectory(data.Path));
        Assert.Contains("does not exist", dangling.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_unreadable_file_is_a_clear_error_naming_it()
    {
        Skip.If(OperatingSystem.IsWindows() || Environment.UserName == "root", "root reads every file; the check needs an ordinary user");
        using var data = new TemporaryDirectory();
        Write(data, "locked.bin", "x");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data.Combine("locked.bin"), UnixFileMode.None);
        }

        var error = Assert.Throws<DatasetException>(() => DatasetHasher.HashDirectory(data.Path));

        Assert.Contains("locked.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_list_is_named_relative_to_its_base_and_may_not_leave_it()
    {
        using var data = new TemporaryDirectory();
        using var other = new TemporaryDirectory();
        Write(data, "a/1.txt", "1");
        Write(data, "b/2.txt", "2");
        Write(other, "3.txt", "3");

        var listed = DatasetHasher.HashFiles(data.Path, [data.Combine("b", "2.txt"), "a/1.txt"]);

        Assert.Equal(["a/1.txt", "b/2.txt"], listed.FileList.Select(file => file.RelativePath));
        Assert.Equal(DatasetHasher.HashDirectory(data.Path).Root, listed.Root);
        Assert.Throws<DatasetException>(() => DatasetHasher.HashFiles(data.Path, [other.Combine("3.txt")]));
        Assert.Throws<DatasetException>(() => DatasetHasher.HashFiles(data.Path, ["../escape.txt"]));
        Assert.Throws<DatasetException>(() => DatasetHasher.HashFiles(data.Path, ["a"]));
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        using var data = new TemporaryDirectory();
        var error = Assert.Throws<DirectoryNotFoundException>(() => DatasetHasher.HashDirectory(data.Combine("missing")));
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_diff_names_added_removed_and_changed_files()
    {
        using var data = new TemporaryDirectory();
        Write(data, "keep.txt", "same");
        Write(data, "edit.txt", "before");
        Write(data, "drop.txt", "gone soon");
        var before = DatasetHasher.HashDirectory(data.Path);
        File.WriteAllText(data.Combine("edit.txt"), "after");
        File.Delete(data.Combine("drop.txt"));
        Write(data, "new/added.txt", "new");
        var after = DatasetHasher.HashDirectory(data.Path);

        var difference = DatasetDiff.Compare(before.FileList, after.FileList);

        Assert.Equal(["new/added.txt"], difference.Added.Select(file => file.RelativePath));
        Assert.Equal(["drop.txt"], difference.Removed.Select(file => file.RelativePath));
        Assert.Equal(["edit.txt"], difference.Changed.Select(file => file.RelativePath));
        Assert.True(DatasetDiff.Compare(after.FileList, after.FileList).IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs.txt")]
    [InlineData("a//b.txt")]
    [InlineData("a/../b.txt")]
    [InlineData("./b.txt")]
    [InlineData("a\\b.txt")]
    public void Malformed_relative_paths_are_refused_by_the_tree(string path) =>
        Assert.Throws<ArgumentException>(() => MerkleTree.Root([new DatasetFile(path, 1, new string('0', 64))]));

    internal static void Write(TemporaryDirectory folder, string relative, string text)
    {
        var path = Path.Combine(folder.Path, relative.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    internal static void AgeFiles(string folder, TimeSpan age)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - age);
        }
    }

    private static string Python(string folder)
    {
        var script = Path.Combine(folder, "..", Path.GetFileName(folder) + "-reference.py");
        File.WriteAllText(script, ReferenceImplementation);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("python3", [script, folder]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, error);
            return output.Trim();
        }
        finally
        {
            File.Delete(script);
        }
    }
}
