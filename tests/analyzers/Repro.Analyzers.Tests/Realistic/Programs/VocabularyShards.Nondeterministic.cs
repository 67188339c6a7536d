using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

// A preprocessing job for a language model: reads a folder tree of text files, builds a vocabulary, assigns
// every document to a train or validation shard and writes token tensors. Everything it writes is an input
// to training, so the order of files, words and documents decides what the model sees.
public sealed record Document(string Path, string[] Tokens, double Weight);

public static class VocabularyShards
{
    private static readonly HashSet<string> s_stopWords = new(StringComparer.Ordinal) { "the", "a", "an", "of", "and" };

    public static void Build(string corpusRoot, string outputFolder, int vocabularySize)
    {
        // Leftovers of an earlier run are deleted one by one; the order of deletion cannot matter.
        foreach (var stale in Directory.GetFiles(outputFolder, "*.pt"))
        {
            File.Delete(stale);
        }

        var sources = Directory.EnumerateFiles(corpusRoot, "*.txt", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var newest = Directory.GetFiles(corpusRoot).Max(path => File.GetLastWriteTimeUtc(path));
        Console.WriteLine($"{sources.Count} files, newest {newest:O}, {Directory.GetDirectories(corpusRoot).Length} top-level folders");

        var documents = sources.{|REPRO1014:AsParallel()|}.Select(path => Read(path)).ToList();
        var orderedDocuments = sources.AsParallel().AsOrdered().Select(path => Read(path)).ToList();
        var totalWeight = orderedDocuments.AsParallel().{|REPRO1015:Sum(document => document.Weight)|};
        var totalTokens = orderedDocuments.AsParallel().Sum(document => document.Tokens.Length);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var document in orderedDocuments)
        {
            foreach (var token in document.Tokens)
            {
                if (!s_stopWords.Contains(token))
                {
                    counts[token] = counts.GetValueOrDefault(token) + 1;
                }
            }
        }

        // The vocabulary is sorted by count, ties broken by the word itself: the same on every run.
        var vocabulary = counts
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Take(vocabularySize)
            .Select((pair, index) => (pair.Key, index))
            .ToDictionary(entry => entry.Key, entry => entry.index, StringComparer.Ordinal);

        // Rare words go to a fallback list whose order becomes token ids beyond the vocabulary.
        var rare = {|REPRO1016:counts|}.Where(pair => pair.Value == 1).Select(pair => pair.Key).ToList();
        Console.WriteLine($"{vocabulary.Count} words, {rare.Count} rare, weight {totalWeight:F1}, {totalTokens} tokens, {documents.Count} read");

        foreach (var pair in counts)
        {
            Console.WriteLine($"{pair.Key}\t{pair.Value}");
        }

        var validation = new List<Document>();
        var training = new List<Document>();
        foreach (var document in documents)
        {
            // A stable hash of the path decides the split, so a document never changes sides between runs.
            var bucket = SHA256.HashData(Encoding.UTF8.GetBytes(document.Path))[0] % 10;
            (bucket == 0 ? validation : training).Add(document);
        }

        var sampleFolders = Directory.{|REPRO1013:GetDirectories(Path.Combine(corpusRoot, "samples"))|};
        for (var shard = 0; shard < sampleFolders.Length; shard++)
        {
            File.WriteAllText(Path.Combine(outputFolder, $"samples-{shard}.txt"), sampleFolders[shard]);
        }

        var bySize = Directory.{|REPRO1013:GetFiles(corpusRoot, "*.txt")|}.OrderBy(path => new FileInfo(path).Length).ToList();
        var partialSums = new double[training.Count];
        Parallel.For(0, training.Count, index => partialSums[index] = training[index].Weight);

        Write(Path.Combine(outputFolder, "train.pt"), training, vocabulary, rare);
        Write(Path.Combine(outputFolder, "validation.pt"), validation, vocabulary, rare);
        File.WriteAllLines(Path.Combine(outputFolder, "largest-first.txt"), bySize.AsEnumerable().Reverse());
        File.WriteAllText(Path.Combine(outputFolder, "weight.txt"), partialSums.Sum().ToString("R"));
    }

    private static Document Read(string path)
    {
        var tokens = File.ReadAllText(path).ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new Document(path, tokens, Math.Log(1 + tokens.Length));
    }

    private static void Write(string path, List<Document> documents, Dictionary<string, int> vocabulary, List<string> rare)
    {
        var ids = documents
            .SelectMany(document => document.Tokens)
            .Select(token => vocabulary.TryGetValue(token, out var id) ? id : vocabulary.Count + Math.Max(0, rare.IndexOf(token)))
            .Select(id => (long)id)
            .ToArray();
        torch.tensor(ids).save(path);
    }
}
