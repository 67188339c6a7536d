using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

// The same preparation, repeatable: ties broken by path, labels from sorted speakers, a split by a hash with a
// fixed definition, ordered parallel work, a sequential total and a seeded torch generator.
public static class DatasetPreparation
{
    public static void Prepare(string root, string cache, string manifestPath, int seed)
    {
        foreach (var stale in Directory.GetFiles(cache, "*.tmp"))
        {
            File.Delete(stale);
        }

        var newestShard = Directory.GetDirectories(root, "shard-*").Max(path => Directory.GetLastWriteTimeUtc(path));
        var shardCount = Directory.EnumerateDirectories(root, "shard-*").Count();
        Console.WriteLine($"{shardCount} shards, newest written {newestShard:O}");

        var clips = new DirectoryInfo(root).GetFiles("*.wav", SearchOption.AllDirectories)
            .OrderBy(file => file.Length)
            .ThenBy(file => file.FullName, StringComparer.Ordinal)
            .Select(file => file.FullName)
            .ToList();

        var speakers = new HashSet<string>();
        var durations = new Dictionary<string, double>();
        foreach (var clip in clips)
        {
            var speaker = Path.GetFileName(Path.GetDirectoryName(clip)!);
            speakers.Add(speaker);
            durations[clip] = new FileInfo(clip).Length / 32000.0;
        }

        foreach (var speaker in speakers)
        {
            Console.WriteLine($"speaker {speaker}");
        }

        var labels = speakers.Order(StringComparer.Ordinal).Select((speaker, index) => (speaker, index)).ToDictionary(pair => pair.speaker, pair => pair.index);
        var validation = clips.Where(clip => StableBucket(clip) == 0).ToHashSet();
        var features = clips.AsParallel().AsOrdered().Select(clip => (clip, mean: durations[clip] * 0.5)).ToList();
        var totalSeconds = clips.Sum(clip => durations[clip]);

        torch.manual_seed(seed);
        var offsets = torch.randint(0, 1600, new long[] { clips.Count });

        using var manifest = new StreamWriter(manifestPath);
        for (var i = 0; i < features.Count; i++)
        {
            var (clip, mean) = features[i];
            manifest.WriteLine($"{clip},{labels[Path.GetFileName(Path.GetDirectoryName(clip)!)]},{validation.Contains(clip)},{mean:F3},{offsets[i].item<long>()}");
        }

        Console.WriteLine($"{clips.Count} clips, {totalSeconds / 3600:F1} hours, {labels.Count} speakers, seed {seed}");
    }

    // FNV-1a over the UTF-16 code units: a definition that never changes between processes.
    private static int StableBucket(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % 10);
    }
}
