using System;
using System.Text.RegularExpressions;

namespace Repro.Security;

/// <summary>
/// Removes secrets from text before Repro writes it anywhere: tokens of well-known services, keys, JWTs,
/// private-key blocks, credentials in URLs, and the values of <c>password=</c>-style pairs in connection strings
/// and command lines. Each secret becomes <see cref="Mask"/>; the text around it is kept so the record stays useful.
/// This file is compiled into both the runtime and the MSBuild tasks, so build stamps and runs redact alike.
/// </summary>
public static class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // Whole-token patterns: the match is the secret.
    private static readonly Regex Tokens = new(
        string.Join("|", new[]
        {
            @"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
            @"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",          // JWT
            @"\bgh[pousr]_[A-Za-z0-9]{30,}",                                           // GitHub tokens
            @"\bgithub_pat_[A-Za-z0-9_]{30,}",                                         // GitHub fine-grained
            @"\bgl(?:pat|dt|rt|ptt|ft|cbt|oas|soat|imt|agent)-[A-Za-z0-9_-]{20,}",     // GitLab tokens
            @"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b",            // AWS key ids
            @"\bxox[abposr]-[A-Za-z0-9-]{10,}",                                       // Slack tokens
            @"https://hooks\.slack\.com/services/[A-Za-z0-9/]+",                       // Slack webhooks
            @"https://(?:discord|discordapp)\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]+", // Discord webhooks
            @"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}",                                 // Stripe
            @"\bAIza[0-9A-Za-z_-]{35}",                                                // Google API keys
            @"\bya29\.[0-9A-Za-z_-]{20,}",                                             // Google OAuth access tokens
            @"\bnpm_[A-Za-z0-9]{36}",                                                  // npm
            @"\bpypi-[A-Za-z0-9_-]{50,}",                                              // PyPI
            @"\bhf_[A-Za-z0-9]{30,}",                                                  // Hugging Face
            @"\bsk-(?:proj-|ant-api\d\d-|ant-)?[A-Za-z0-9_-]{20,}",                    // OpenAI, Anthropic
            @"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{30,}",                             // SendGrid
            @"\bSK[0-9a-fA-F]{32}\b",                                                  // Twilio
            @"\bdapi[0-9a-f]{32}\b",                                                   // Databricks
            @"\bdop_v1_[a-f0-9]{64}\b",                                                // DigitalOcean
            @"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",                                 // Shopify
            @"\b\d{8,10}:AA[A-Za-z0-9_-]{30,}",                                       // Telegram bots
            @"\bwandb_[A-Za-z0-9]{30,}|\b[0-9a-f]{40}(?=@api\.wandb\.ai)",            // Weights & Biases
        }),
        RegexOptions.CultureInvariant | RegexOptions.Compiled,
        Timeout);

    // Credentials in URLs: scheme://user:password@host keeps scheme and host.
    private static readonly Regex UrlCredentials = new(
        @"(?<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?<userinfo>[^/\s@""']+)@", RegexOptions.CultureInvariant | RegexOptions.Compiled, Timeout);

    // Azure SAS signatures and similar query parameters.
    private static readonly Regex QuerySecrets = new(
        @"(?<name>[?&](?:sig|signature|token|access_token|api_key|apikey|key|secret|password|X-Amz-Signature|X-Amz-Credential|X-Goog-Signature)=)[^&\s""']+",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled, Timeout);

    // name=value / name: value pairs whose name says secret (connection strings, command lines, config).
    private static readonly Regex Pairs = new(
        @"(?<name>\b(?:[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|account[_-]?key|shared[_-]?access[_-]?key|sharedaccesssignature|credentials?|auth))\s*(?:=|:)\s*)(?<value>""[^""]*""|'[^']*'|[^;\s&,""']+)",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled, Timeout);

    // Authorization header values.
    private static readonly Regex Authorization = new(
        @"(?<scheme>\b(?:Bearer|Basic|token)\s+)[A-Za-z0-9._~+/=-]{16,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Compiled, Timeout);

    /// <summary>
    /// <paramref name="text"/> with every secret it recognises replaced by <see cref="Mask"/>. When a pattern
    /// takes too long (pathological input), the whole text is masked: losing a value is better than leaking one.
    /// </summary>
    public static string Redact(string? text)
    {
        if (text is null || text.Length == 0)
        {
            return string.Empty;
        }

        if (!HasLetter(text))
        {
            return text; // numbers, steps, sizes: every pattern needs a letter somewhere
        }

        try
        {
            // Each pattern runs only where its anchor could occur: most text (log lines, paths, names) has none, and
            // the patterns cost microseconds each on every call.
            var result = Tokens.Replace(text, Mask);
            if (Has(result, "://") && Has(result, "@"))
            {
                result = UrlCredentials.Replace(result, match => match.Groups["scheme"].Value + Mask + "@");
            }

            if (Has(result, "="))
            {
                result = QuerySecrets.Replace(result, match => match.Groups["name"].Value + Mask);
            }

            if (Has(result, "bearer") || Has(result, "basic") || Has(result, "token"))
            {
                result = Authorization.Replace(result, match => match.Groups["scheme"].Value + Mask);
            }

            return Has(result, "=") || Has(result, ":")
                ? Pairs.Replace(result, match => match.Groups["name"].Value + Mask)
                : result;
        }
        catch (RegexMatchTimeoutException)
        {
            return Mask;
        }
    }

    private static bool HasLetter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="text"/> contains <paramref name="value"/>, ignoring case.</summary>
    private static bool Has(string text, string value) =>
#if NETSTANDARD2_0
        text.IndexOf(value, StringComparison.OrdinalIgnoreCase) >= 0;
#else
        text.Contains(value, StringComparison.OrdinalIgnoreCase);
#endif

    /// <summary>
    /// A remote URL fit to record: user name, password or token before <c>@</c> removed entirely (not masked, so
    /// two clones of the same remote stamp the same URL), then any remaining secret redacted.
    /// </summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url ?? string.Empty;
        }

        try
        {
            return Redact(UrlCredentials.Replace(url, match => match.Groups["scheme"].Value));
        }
        catch (RegexMatchTimeoutException)
        {
            return Mask;
        }
    }

    /// <summary>
    /// Command-line arguments fit to record: each redacted as text, and the argument after an option named like a
    /// secret (<c>--password</c>, <c>--api-key</c>, <c>--token</c>) masked whole.
    /// </summary>
    public static string[] RedactArguments(System.Collections.Generic.IReadOnlyList<string> arguments)
    {
#pragma warning disable CA1510 // ThrowIfNull does not exist in netstandard2.0, where this file is compiled too.
        if (arguments is null)
        {
            throw new ArgumentNullException(nameof(arguments));
        }
#pragma warning restore CA1510

        var redacted = new string[arguments.Count];
        var maskNext = false;
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i] ?? string.Empty;
            var equals = argument.IndexOf('=');
            var isOption = argument.Length > 1 && (argument[0] == '-' || argument[0] == '/');
            if (maskNext)
            {
                redacted[i] = Mask;
                maskNext = false;
                continue;
            }

            if (isOption && equals > 0 && IsSecretName(argument.Substring(0, equals)))
            {
                redacted[i] = new System.Text.StringBuilder(argument, 0, equals + 1, equals + 1 + Mask.Length).Append(Mask).ToString(); // --db-pass=hunter2
                continue;
            }

            redacted[i] = Redact(argument);
            maskNext = isOption && equals < 0 && IsSecretName(argument);
        }

        return redacted;
    }

    /// <summary>The value of environment variable <paramref name="name"/> fit to record: masked whole when the name says secret.</summary>
    public static string RedactVariable(string name, string? value)
    {
#pragma warning disable CA1510 // ThrowIfNull does not exist in netstandard2.0, where this file is compiled too.
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }
#pragma warning restore CA1510

        return IsSecretName(name) ? Mask : Redact(value);
    }

    // Words that make a name secret, wherever they stand in it (DB_PASS, wandbKey, --api-token).
    private static readonly System.Collections.Generic.HashSet<string> SecretWords = new(StringComparer.Ordinal)
    {
        "pass", "passwd", "password", "passphrase", "pwd", "secret", "secrets", "token", "key", "apikey", "credential",
        "credentials", "creds", "auth", "authorization", "cookie", "session", "signature", "sas", "connectionstring", "connstr",
        "privatekey", "accesskey", "secretkey", "clientsecret", "pat", "connectionstrings",
    };

    // Endings that make a run-together word secret (PGPASSWORD, DBPASSWD, MYAPIKEY, AUTHTOKEN).
    private static readonly string[] SecretEndings = ["password", "passwd", "passphrase", "secret", "apikey", "accesskey", "secretkey", "privatekey", "authtoken", "accesstoken"];

    // Names that contain such a word but hold no secret (documented in docs/security.md).
    private static readonly System.Collections.Generic.HashSet<string> NotSecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PWD", "OLDPWD", "SSH_AUTH_SOCK", "KEY_COLUMN", "SORT_KEY", "PRIMARY_KEY", "PARTITION_KEY",
    };

    // A secret word followed by one of these describes the secret (its size, its file) rather than holding it.
    private static readonly System.Collections.Generic.HashSet<string> DescriptiveWords = new(StringComparer.Ordinal)
    {
        "count", "length", "len", "size", "limit", "type", "kind", "id", "ids", "name", "file", "path", "dir", "column", "index", "field", "prefix",
        // Model hyperparameters: attention key width, token embeddings and the like describe a tensor, not a credential.
        "dim", "dims", "dimension", "embedding", "embeddings", "dropout", "frame", "frames", "budget", "vocab",
    };

    // A word before "token" that makes it a vocabulary entry (pad_token, eos_token), not a credential.
    private static readonly System.Collections.Generic.HashSet<string> VocabularyWords = new(StringComparer.Ordinal)
    {
        "pad", "bos", "eos", "unk", "cls", "sep", "mask", "start", "end", "special",
    };

    /// <summary>
    /// Whether <paramref name="name"/> (an environment variable, an option, a hyperparameter, a tag or metadata key)
    /// says its value is a secret: one of its words (split at <c>_ - . :</c>, spaces and camelCase) is password,
    /// pass, pwd, secret, token, key, credential, auth, cookie, session, signature and the like — unless the name is
    /// on the short allowlist or the word is followed by one that describes the secret (<c>TOKEN_COUNT</c>, <c>key_file</c>).
    /// </summary>
    public static bool IsSecretName(string? name)
    {
        if (name is null || name.Length == 0)
        {
            return false;
        }

        var trimmed = name.TrimStart('-', '/');
        if (NotSecretNames.Contains(trimmed))
        {
            return false;
        }

        var words = SplitWords(trimmed);
        for (var i = 0; i < words.Count; i++)
        {
            if (SecretWords.Contains(words[i])
                && !IsDescribed(words, i + 1)
                && !(words[i] == "token" && i > 0 && VocabularyWords.Contains(words[i - 1])))
            {
                return true;
            }

            // "api key", "access key", "client secret": two words that are one secret word together.
            if (i + 1 < words.Count && SecretWords.Contains(words[i] + words[i + 1])
                && !IsDescribed(words, i + 2))
            {
                return true;
            }

            foreach (var ending in SecretEndings)
            {
                if (words[i].Length > ending.Length && words[i].EndsWith(ending, StringComparison.Ordinal)
                    && !IsDescribed(words, i + 1))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // The words from index "next" describe the secret before them: "_length", "_min_length", "_max_size".
    private static bool IsDescribed(System.Collections.Generic.List<string> words, int next) =>
        next < words.Count
        && (DescriptiveWords.Contains(words[next])
            || (words[next] is "min" or "max" && next + 1 < words.Count && DescriptiveWords.Contains(words[next + 1])));

    private static System.Collections.Generic.List<string> SplitWords(string name)
    {
        var words = new System.Collections.Generic.List<string>();
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush();
                continue;
            }

            // camelCase and PascalCase: a capital after a lower-case letter, or before one in a run of capitals.
            if (char.IsUpper(c) && current.Length > 0
                && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
            {
                Flush();
            }

            current.Append(char.ToLowerInvariant(c));
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
