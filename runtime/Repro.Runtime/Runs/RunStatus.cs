using System.Text.Json.Serialization;

namespace Repro.Runs;

/// <summary>Where a run is in its life.</summary>
public enum RunStatus
{
    /// <summary>Started and not yet ended (or ended by a crash not yet detected).</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Ended normally.</summary>
    [JsonStringEnumMemberName("finished")]
    Finished,

    /// <summary>Ended by an exception.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
