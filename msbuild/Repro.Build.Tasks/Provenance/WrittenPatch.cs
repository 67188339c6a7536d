using System;
using System.Text;
using Repro.Security;

namespace Repro.Build.Tasks.Provenance;

/// <summary>
/// The patch file written beside the build: git's bytes exactly, unless they hold something that must
/// not be copied around. Text is redacted byte for byte (decoded as Latin-1, which maps every byte to one
/// character and back, so nothing else changes — UTF-8 or not); binary hunks, which no redactor can read,
/// are left out with a note. The stamp records the hash of the real patch and, when the written file
/// differs, the hash of the written file too.
/// </summary>
internal static class WrittenPatch
{
    private const string BinaryMarker = "GIT binary patch\n";

    internal const string BinaryOmitted = "# Repro: binary content left out of the written patch (it cannot be scanned for secrets); the recorded patch hash covers it.\n";

    private static readonly Encoding ByteExact = Encoding.GetEncoding(28591);

    /// <summary>The bytes to write for <paramref name="patch"/>, and whether binary hunks or secrets were taken out.</summary>
    public static (byte[] Bytes, bool BinaryOmitted, bool Redacted) From(byte[] patch)
    {
        var written = new StringBuilder(patch.Length);
        var binary = false;
        var redacted = false;
        foreach (var section in SplitFiles(ByteExact.GetString(patch)))
        {
            var marker = section.IndexOf(BinaryMarker, StringComparison.Ordinal);
            var isBinary = marker >= 0 && (marker == 0 || section[marker - 1] == '\n');
            var text = isBinary ? section.Substring(0, marker) : section;
            var clean = SecretRedactor.Redact(text);
            redacted |= !string.Equals(clean, text, StringComparison.Ordinal);
            written.Append(clean);
            if (isBinary)
            {
                binary = true;
                written.Append(BinaryOmitted);
            }
        }

        return (ByteExact.GetBytes(written.ToString()), binary, redacted);
    }

    /// <summary>The patch cut before each <c>diff --git</c> line, so each file's section is handled alone.</summary>
    private static System.Collections.Generic.IEnumerable<string> SplitFiles(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var next = text.IndexOf("\ndiff --git ", start, StringComparison.Ordinal);
            var end = next < 0 ? text.Length : next + 1;
            yield return text.Substring(start, end - start);
            start = end;
        }
    }
}
