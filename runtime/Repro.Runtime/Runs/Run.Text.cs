using Repro.Events;
using Repro.Security;

namespace Repro;

public sealed partial class Run
{
    /// <summary>
    /// The largest step any metric of this run was logged at so far (0 before any): what log lines written now
    /// belong to. Read without a lock; a value a moment old at worst.
    /// </summary>
    public long LatestStep => _latest.LatestStep();

    /// <summary>
    /// Records a text event with tags (a log line and its structured properties). The message and every tag value
    /// are redacted (a value whose key names a secret is masked whole); a message longer than
    /// <see cref="MaxTextLength"/> is cut there, with an ellipsis, rather than refused, since log lines come from
    /// code that cannot handle an error here.
    /// </summary>
    /// <param name="message">The rendered message.</param>
    /// <param name="level">Its level.</param>
    /// <param name="step">The step it belongs to.</param>
    /// <param name="tags">Properties, by name; at most <see cref="Runs.RunTags.MaxTags"/> are kept, in ordinal order of their names.</param>
    /// <exception cref="InvalidOperationException">The run has ended.</exception>
    public void LogText(string message, Text.Types.Level level, long step, IReadOnlyDictionary<string, string>? tags)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = message.Length > MaxTextLength ? message[..(MaxTextLength - 1)] + "…" : message;
        var evt = new Event { Name = "text", Step = step, Text = new Text { Level = level, Message = SecretRedactor.Redact(text) } };
        foreach (var (key, value) in (tags ?? new Dictionary<string, string>()).OrderBy(t => t.Key, StringComparer.Ordinal).Take(Runs.RunTags.MaxTags))
        {
            evt.Tags[key] = SecretRedactor.RedactVariable(key, value.Length > Runs.RunTags.MaxValueLength ? value[..Runs.RunTags.MaxValueLength] : value);
        }

        Enqueue(evt);
    }
}
