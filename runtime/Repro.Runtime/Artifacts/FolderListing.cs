using System.Text;
using System.Text.Json;
using Repro.Datasets;

namespace Repro.Artifacts;

/// <summary>
/// A folder artifact is stored as its files (each an object) plus one listing object that names them: JSON lines
/// <c>{"path":"…","size":…,"sha256":"…"}</c>, one per file, in canonical path order (ordinal by UTF-8 bytes), each
/// line ending in '\n'. The listing's hash is the folder artifact's hash. Dataset listings use the same format.
/// </summary>
public static class FolderListing
{
    /// <summary>The media type of a listing object.</summary>
    public const string MediaType = "application/x-repro-listing+jsonl";

    /// <summary>The listing's bytes for <paramref name="files"/> (sorted here; the input order does not matter).</summary>
    public static byte[] Encode(IEnumerable<DatasetFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var ordered = files.ToList();
        ordered.Sort((a, b) => MerkleTree.Compare(a.RelativePath, b.RelativePath));
        using var buffer = new MemoryStream();
        foreach (var file in ordered)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("path", file.RelativePath);
                writer.WriteNumber("size", file.Size);
                writer.WriteString("sha256", file.Sha256);
                writer.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a listing back.</summary>
    /// <exception cref="FormatException">A line is not a listing entry.</exception>
    public static IReadOnlyList<DatasetFile> Decode(ReadOnlySpan<byte> listing)
    {
        var files = new List<DatasetFile>();
        var text = Encoding.UTF8.GetString(listing);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                var path = root.GetProperty("path").GetString() ?? throw new FormatException("path is null");
                var sha = root.GetProperty("sha256").GetString();
                if (!ContentHash.IsValid(sha))
                {
                    throw new FormatException($"'{sha}' is not a SHA-256 hash");
                }

                files.Add(new DatasetFile(path, root.GetProperty("size").GetInt64(), sha!));
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"Line {number} of the listing is not an entry {{\"path\",\"size\",\"sha256\"}}: {exception.Message}", exception);
            }
        }

        return files;
    }
}
