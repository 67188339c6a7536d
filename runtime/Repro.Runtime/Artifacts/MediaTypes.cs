namespace Repro.Artifacts;

/// <summary>Media types guessed from file extensions, for artifacts logged without one.</summary>
internal static class MediaTypes
{
    public const string Binary = "application/octet-stream";

    private static readonly Dictionary<string, string> s_byExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".json"] = "application/json",
        [".jsonl"] = "application/jsonl",
        [".csv"] = "text/csv",
        [".tsv"] = "text/tab-separated-values",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".html"] = "text/html",
        [".htm"] = "text/html",
        [".pdf"] = "application/pdf",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".svg"] = "image/svg+xml",
        [".wav"] = "audio/wav",
        [".onnx"] = "application/onnx",
        [".pt"] = "application/x-torchsharp",
        [".dat"] = "application/x-torchsharp",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
    };

    public static string ForFile(string fileName) =>
        s_byExtension.TryGetValue(Path.GetExtension(fileName), out var type) ? type : Binary;
}
