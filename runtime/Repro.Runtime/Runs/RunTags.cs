using Repro.Security;

namespace Repro.Runs;

/// <summary>
/// Rules for a run's tags (key = value pairs such as <c>owner = ana</c>, <c>phase = sweep</c>) and its note: what
/// <see cref="RunOptions.Tags"/>, <see cref="RunOptions.Note"/> and <c>repro runs tag</c> accept, and how they are
/// redacted before anything is written.
/// </summary>
public static class RunTags
{
    /// <summary>The longest tag key.</summary>
    public const int MaxKeyLength = 100;

    /// <summary>The longest tag value.</summary>
    public const int MaxValueLength = 1000;

    /// <summary>The longest note.</summary>
    public const int MaxNoteLength = 10_000;

    /// <summary>The most tags one run can carry.</summary>
    public const int MaxTags = 100;

    /// <summary>Checks one tag; the message names what is wrong.</summary>
    /// <exception cref="ArgumentException">The key is empty, too long, holds '=', spaces at either end or control characters; or the value is too long or holds control characters.</exception>
    public static void Validate(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.Length == 0 || key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"A tag key has 1 to {MaxKeyLength} characters; '{Shorten(key)}' has {key.Length}.", nameof(key));
        }

        if (key.Contains('=', StringComparison.Ordinal) || key.Any(char.IsControl) || key.Trim().Length != key.Length)
        {
            throw new ArgumentException($"The tag key '{Shorten(key)}' cannot contain '=' or control characters, or begin or end with a space.", nameof(key));
        }

        if (value.Length > MaxValueLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"The value of tag '{key}' has at most {MaxValueLength} characters and no control characters.", nameof(value));
        }
    }

    /// <summary>Checks every tag and their number.</summary>
    /// <exception cref="ArgumentException">A tag is invalid, or there are more than <see cref="MaxTags"/>.</exception>
    public static void Validate(IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count > MaxTags)
        {
            throw new ArgumentException($"A run carries at most {MaxTags} tags; {tags.Count} were given.", nameof(tags));
        }

        foreach (var (key, value) in tags)
        {
            Validate(key, value);
        }
    }

    /// <summary>Checks a note.</summary>
    /// <exception cref="ArgumentException">The note is too long or holds control characters other than line breaks and tabs.</exception>
    public static void ValidateNote(string note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (note.Length > MaxNoteLength || note.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            throw new ArgumentException($"A note has at most {MaxNoteLength} characters and no control characters but line breaks and tabs.", nameof(note));
        }
    }

    /// <summary>
    /// The tags fit to record, in ordinal key order: a value whose key names a secret (<c>api_key</c>) is masked whole,
    /// and secrets inside any other value (tokens, URLs with passwords) are masked where they stand.
    /// </summary>
    public static SortedDictionary<string, string> Redact(IReadOnlyDictionary<string, string>? tags)
    {
        var redacted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            redacted[key] = SecretRedactor.RedactVariable(key, value);
        }

        return redacted;
    }

    /// <summary>Parses <c>key=value</c> (the value may be empty and may contain '='); a bare key is an error.</summary>
    /// <exception cref="ArgumentException">There is no '=' or the tag is invalid.</exception>
    public static KeyValuePair<string, string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException($"'{Shorten(text)}' is not a tag: write key=value (for example owner=ana).", nameof(text));
        }

        var key = text[..equals].Trim();
        var value = text[(equals + 1)..].Trim();
        Validate(key, value);
        return new(key, value);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
