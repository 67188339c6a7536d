namespace Repro.Artifacts;

/// <summary>What an artifact is, as recorded in its event (<c>checkpoint</c>, <c>evaluation</c>, …).</summary>
public enum ArtifactKind
{
    /// <summary>Anything else.</summary>
    Other = 0,

    /// <summary>Model (and optimizer) state to resume or deploy from; the <c>last</c> and <c>best/…</c> tags follow checkpoints.</summary>
    Checkpoint = 1,

    /// <summary>Evaluation results: predictions, confusion matrices, per-example scores.</summary>
    Evaluation = 2,

    /// <summary>Outputs the model produced for people to look at: images, generated text.</summary>
    SampleOutput = 3,

    /// <summary>A report: HTML, PDF, a markdown summary.</summary>
    Report = 4,
}

/// <summary>The names artifact kinds have in events and on the command line.</summary>
public static class ArtifactKinds
{
    /// <summary>The recorded name of <paramref name="kind"/>.</summary>
    public static string Name(ArtifactKind kind) => kind switch
    {
        ArtifactKind.Checkpoint => "checkpoint",
        ArtifactKind.Evaluation => "evaluation",
        ArtifactKind.SampleOutput => "sample_output",
        ArtifactKind.Report => "report",
        _ => "other",
    };
}
