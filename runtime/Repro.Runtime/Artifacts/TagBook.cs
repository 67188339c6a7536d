using System.Globalization;

namespace Repro.Artifacts;

/// <summary>
/// Where a run's tags point, and the rules that move them: <c>last</c> follows the newest checkpoint,
/// <c>best/&lt;metric&gt;</c> the checkpoint logged when the metric (one declared with a goal) had its best latest value
/// so far. Tags move; artifacts never change. Used on the artifact thread only.
/// </summary>
internal sealed class TagBook
{
    private readonly SortedDictionary<string, (string Sha256, string ArtifactName)> _tags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _bestAtCheckpoint = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, (string Sha256, string ArtifactName)> Current => _tags;

    /// <summary>The moves a newly stored artifact causes, as (tag, previous hash, reason), in tag order.</summary>
    public List<(string Tag, string Previous, string Reason)> Moves(ArtifactRecord artifact, IReadOnlyList<string> userTags, Runs.MetricSnapshot metrics)
    {
        var moves = new List<(string, string, string)>();
        foreach (var tag in userTags.Order(StringComparer.Ordinal))
        {
            moves.Add(Move(tag, artifact, "set when the artifact was logged"));
        }

        if (artifact.Kind == ArtifactKind.Checkpoint)
        {
            moves.Add(Move("last", artifact, "newest checkpoint"));
            foreach (var (metric, value) in metrics.Values)
            {
                var goal = metrics.Goals[metric];
                if (goal == MetricGoal.None || double.IsNaN(value))
                {
                    continue;
                }

                var better = !_bestAtCheckpoint.TryGetValue(metric, out var best)
                    || (goal == MetricGoal.Minimize ? value < best : value > best);
                if (better)
                {
                    _bestAtCheckpoint[metric] = value;
                    moves.Add(Move("best/" + metric, artifact, string.Create(CultureInfo.InvariantCulture, $"{metric} {(goal == MetricGoal.Minimize ? "fell" : "rose")} to {value:R} at step {metrics.Steps[metric]}")));
                }
            }
        }

        return moves;
    }

    private (string, string, string) Move(string tag, ArtifactRecord artifact, string reason)
    {
        var previous = _tags.TryGetValue(tag, out var old) ? old.Sha256 : string.Empty;
        _tags[tag] = (artifact.Sha256, artifact.Name);
        return (tag, previous, reason);
    }

    /// <summary>Checks a tag a user gives: letters, digits and <c>-_./</c>, at most 200 characters.</summary>
    public static string Validate(string tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length > 200 || tag.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw new ArgumentException($"'{tag}' is not a valid tag: use 1 to 200 letters, digits, '-', '_', '.' or '/'.", nameof(tag));
        }

        return tag;
    }
}
