using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

// Prepares an audio-clip dataset for training: cleans a cache, finds the newest shard, splits clips into
// train/validation, builds a label map, writes a manifest and logs statistics. No model is trained here, so only
// data-order and randomness rules apply; the logging, the cache clean-up and the newest-shard lookup must stay quiet.
public static class DatasetPreparation
{
    public static void Prepare(string root, string cache, string manifestPath, int seed)
    {
        // Deleting each stale file: the end state is the same in any order.
        foreach (var stale in Directory.GetFiles(cache, "*.tmp"))
        {
            File.Delete(stale);
        }

        // Reduced to a maximum and a count: order cannot change them.
        var newestShard = Directory.GetDirectories(root, "shard-*").Max(path => Directory.GetLastWriteTimeUtc(path));
        var shardCount = Directory.EnumerateDirectories(root, "shard-*").Count();
        Console.WriteLine($"{shardCount} shards, newest written {newestShard:O}");

        // Sorted by size only: clips of equal size keep the file system's order.
        var clips = new DirectoryInfo(root).{|REPRO1013:GetFiles("*.wav", SearchOption.AllDirectories)|}
            .OrderBy(file => file.Length)
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

        // Shown to a person only.
        foreach (var speaker in speakers)
        {
            Console.WriteLine($"speaker {speaker}");
        }

        // The label map decides class indices: built from hash order.
        var labels = {|REPRO1016:speakers|}.Select((speaker, index) => (speaker, index)).ToDictionary(pair => pair.speaker, pair => pair.index);

        // A split by string hash: differs in every process.
        var validation = clips.Where(clip => Math.Abs(clip.{|REPRO1006:GetHashCode()|}) % 10 == 0).ToHashSet();

        // Features computed in parallel and collected in completion order.
        var features = clips.{|REPRO1014:AsParallel()|}.Select(clip => (clip, mean: durations[clip] * 0.5)).ToList();

        // A floating-point total summed in parallel: rounds differently with the partitioning.
        var totalSeconds = durations.Values.AsParallel().{|REPRO1015:Sum()|};

        // Augmentation offsets drawn from torch: the program never seeds it.
        var offsets = torch.{|REPRO1008:randint(0, 1600, new long[] { clips.Count })|};

        using var manifest = new StreamWriter(manifestPath);
        for (var i = 0; i < features.Count; i++)
        {
            var (clip, mean) = features[i];
            manifest.WriteLine($"{clip},{labels[Path.GetFileName(Path.GetDirectoryName(clip)!)]},{validation.Contains(clip)},{mean:F3},{offsets[i].item<long>()}");
        }

        Console.WriteLine($"{clips.Count} clips, {totalSeconds / 3600:F1} hours, {labels.Count} speakers, seed {seed}");
    }
}
