using System.Text.Json.Serialization;

namespace Repro.Runs;

/// <summary>Where a run is in its life.</summary>
public enum RunStatus
{
    /// <summary>Started, and its writer is still alive.</summary>
    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Ended normally.</summary>
    [JsonStringEnumMemberName("finished")]
    Finished,

    /// <summary>Ended by an exception.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The process died without ending the run (killed, crashed, lost power); found when the run was next opened.</summary>
    [JsonStringEnumMemberName("crashed")]
    Crashed,
}
