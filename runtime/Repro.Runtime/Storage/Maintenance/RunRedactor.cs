using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Repro.Events;
using Repro.Runs;
using Repro.Storage.Audit;

namespace Repro.Storage.Maintenance;

/// <summary>What a redaction changed.</summary>
/// <param name="Replacements">Occurrences replaced, in the log, the manifest and the annotations.</param>
/// <param name="EventsChanged">Events of the log rewritten.</param>
public sealed record RedactResult(long Replacements, long EventsChanged);

/// <summary>
/// <c>repro runs redact</c>: removes given text (a name, an e-mail address, an identifier) from every string an ended
/// run recorded — each event's text fields, tags and nested messages (read generically, so new event kinds are
/// covered), the manifest and the annotations — replacing each occurrence with <see cref="Replacement"/>. The log is
/// rewritten and swapped in as downsampling is (crash-safe, <see cref="RunDownsampler.Repair"/>); events keep their
/// ids and sequence numbers; a changed configuration gets its hash recomputed. Recorded in the audit log by count,
/// never by value. Stored objects (artifacts) are not touched.
/// </summary>
public static class RunRedactor
{
    /// <summary>What each occurrence becomes.</summary>
    public const string Replacement = "[redacted]";

    /// <summary>The shortest text accepted: shorter ones would match inside unrelated words.</summary>
    public const int MinimumLength = 3;

    /// <summary>Redacts <paramref name="values"/> from ended run <paramref name="runId"/> and records it in the audit log.</summary>
    /// <exception cref="ArgumentException">No reason, no values, or a value shorter than <see cref="MinimumLength"/>.</exception>
    /// <exception cref="IOException">The run is still being written.</exception>
    /// <exception cref="InvalidDataException">Its log is damaged: it is not rewritten.</exception>
    public static RedactResult Redact(RunStore store, string runId, IReadOnlyList<string> values, string reason)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(values);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Say why the run is redacted (--reason): the reason goes into the audit log.", nameof(reason));
        }

        if (values.Count == 0 || values.Any(v => v is null || v.Trim().Length < MinimumLength))
        {
            throw new ArgumentException($"Give each text to remove (--value), of at least {MinimumLength} characters.", nameof(values));
        }

        using var maintenance = MaintenanceLock.Acquire(store.Home);
        var manifest = store.GetRun(runId);
        var folder = ReproHome.RunDirectory(store.Home, manifest.RunId);
        RunDownsampler.Repair(folder);
        using var writerLock = RunLock.TryAcquire(folder) ?? throw new IOException($"Run {manifest.RunId} is still being written; redact it once it has ended.");
        if (manifest.Status == RunStatus.Running)
        {
            throw new IOException($"Run {manifest.RunId} is still being written; redact it once it has ended.");
        }

        var wal = Path.Combine(folder, "wal");
        RunDownsampler.Validate(wal, manifest.LastSequence);
        var scrubber = new Scrubber(values);
        var rewriting = Path.Combine(folder, RunDownsampler.RewritingFolder);
        ReproHome.CreateOwnerOnlyDirectory(rewriting);
        var (eventsChanged, newConfigHash) = Rewrite(wal, rewriting, scrubber);
        var record = Path.Combine(wal, RunDownsampler.RecordFileName);
        if (File.Exists(record))
        {
            File.Copy(record, Path.Combine(rewriting, RunDownsampler.RecordFileName));
        }

        DirectorySync.Flush(rewriting);
        RunDownsampler.SwapIn(folder);

        // The manifest and annotations after the log: a crash in between leaves the log clean and them to redo.
        var manifestJson = JsonNode.Parse(RunManifestJson.Serialize(RunManifestJson.Read(ReproHome.ManifestPath(folder))))!;
        scrubber.Scrub(manifestJson);
        var cleaned = RunManifestJson.Deserialize(manifestJson.ToJsonString(), ReproHome.ManifestPath(folder));
        RunManifestJson.Write(ReproHome.ManifestPath(folder), newConfigHash is null ? cleaned : cleaned with { ConfigHash = newConfigHash });
        var annotations = Path.Combine(folder, "annotations.json");
        if (File.Exists(annotations))
        {
            var node = JsonNode.Parse(File.ReadAllText(annotations))!;
            if (scrubber.Scrub(node))
            {
                AtomicFile.WriteAllText(annotations, node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            }
        }

        AuditLog.Append(store.Home, "run redact", [manifest.RunId], reason, new Dictionary<string, string>
        {
            ["values"] = values.Count.ToString(CultureInfo.InvariantCulture),
            ["replacements"] = scrubber.Replacements.ToString(CultureInfo.InvariantCulture),
            ["events_changed"] = eventsChanged.ToString(CultureInfo.InvariantCulture),
        });
        return new RedactResult(scrubber.Replacements, eventsChanged);
    }

    private static (long EventsChanged, string? ConfigHash) Rewrite(string wal, string rewriting, Scrubber scrubber)
    {
        long changed = 0;
        string? configHash = null;
        LogRewriter.Rewrite(wal, rewriting, (raw, record, output) =>
        {
            if (record.BodyCase != Record.BodyOneofCase.Event || !scrubber.Scrub(record.Event))
            {
                output.Write(LogRewriter.Frame(raw.Span)); // untouched records keep their bytes
                return;
            }

            if (record.Event.ValueCase == Event.ValueOneofCase.Hyperparameters)
            {
                // The configuration changed, so its hash does: the manifest's configHash follows.
                record.Event.Hyperparameters.Sha256 = configHash = Hyperparameters.CanonicalJson.Sha256(record.Event.Hyperparameters.CanonicalJson);
            }

            changed++;
            output.Write(LogRewriter.Frame(record.ToByteArray()));
        });
        return (changed, configHash);
    }

    /// <summary>Replaces the values in every string of a protobuf message or a JSON document, counting what it replaced.</summary>
    private sealed class Scrubber(IReadOnlyList<string> values)
    {
        public long Replacements { get; private set; }

        /// <summary>Scrubs every string field, repeated string, map value and nested message of <paramref name="message"/>; true when any changed.</summary>
        public bool Scrub(IMessage message)
        {
            var changed = false;
            foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
            {
                var value = field.Accessor.GetValue(message);
                if (field.IsMap)
                {
                    if (value is System.Collections.IDictionary map)
                    {
                        foreach (var key in map.Keys.Cast<object>().ToList())
                        {
                            if (map[key] is string text && Clean(text) is { } clean)
                            {
                                map[key] = clean;
                                changed = true;
                            }
                            else if (map[key] is IMessage inner)
                            {
                                changed |= Scrub(inner);
                            }
                        }
                    }
                }
                else if (field.IsRepeated)
                {
                    if (value is System.Collections.IList list)
                    {
                        for (var i = 0; i < list.Count; i++)
                        {
                            if (list[i] is string text && Clean(text) is { } clean)
                            {
                                list[i] = clean;
                                changed = true;
                            }
                            else if (list[i] is IMessage inner)
                            {
                                changed |= Scrub(inner);
                            }
                        }
                    }
                }
                else if (field.FieldType == FieldType.String && value is string text && Clean(text) is { } clean)
                {
                    field.Accessor.SetValue(message, clean);
                    changed = true;
                }
                else if (field.FieldType == FieldType.Message && value is IMessage inner)
                {
                    changed |= Scrub(inner);
                }
            }

            return changed;
        }

        /// <summary>Scrubs every string value of <paramref name="node"/> (names are left: they are Repro's keys); true when any changed.</summary>
        public bool Scrub(JsonNode node)
        {
            var changed = false;
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj.ToList())
                    {
                        if (child is JsonValue leaf && leaf.TryGetValue<string>(out var text) && Clean(text) is { } clean)
                        {
                            obj[name] = clean;
                            changed = true;
                        }
                        else if (child is not null)
                        {
                            changed |= Scrub(child);
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue leaf && leaf.TryGetValue<string>(out var text) && Clean(text) is { } clean)
                        {
                            array[i] = clean;
                            changed = true;
                        }
                        else if (array[i] is { } child)
                        {
                            changed |= Scrub(child);
                        }
                    }

                    break;
            }

            return changed;
        }

        /// <summary>The text with every value replaced, or null when it holds none.</summary>
        private string? Clean(string text)
        {
            var result = text;
            foreach (var value in values)
            {
                var index = result.IndexOf(value, StringComparison.Ordinal);
                while (index >= 0)
                {
                    result = string.Concat(result.AsSpan(0, index), Replacement, result.AsSpan(index + value.Length));
                    Replacements++;
                    index = result.IndexOf(value, index + Replacement.Length, StringComparison.Ordinal);
                }
            }

            return ReferenceEquals(result, text) ? null : result;
        }
    }
}
