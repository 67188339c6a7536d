using System.Security.Cryptography;

namespace Repro.Artifacts;

/// <summary>SHA-256 names of stored content: 64 lowercase hexadecimal digits.</summary>
public static class ContentHash
{
    /// <summary>Length of a content name in characters.</summary>
    public const int Length = 64;

    /// <summary>Whether <paramref name="text"/> is a content name: exactly 64 lowercase hexadecimal digits.</summary>
    public static bool IsValid(string? text)
    {
        if (text is null || text.Length != Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws a clear error when <paramref name="text"/> is not a content name.</summary>
    /// <exception cref="ArgumentException">It is not 64 lowercase hexadecimal digits.</exception>
    public static string Validate(string? text, string parameterName)
    {
        if (!IsValid(text))
        {
            throw new ArgumentException($"'{text}' is not a SHA-256 content name (64 lowercase hexadecimal digits).", parameterName);
        }

        return text!;
    }

    /// <summary>The content name of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
