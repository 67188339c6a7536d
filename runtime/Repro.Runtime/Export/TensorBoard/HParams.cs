using System.Text.Json;
using Google.Protobuf;
using Repro.Export.TensorBoard.Proto;
using Repro.Hyperparameters;
using Repro.Runs;

namespace Repro.Export.TensorBoard;

/// <summary>
/// The HParams plugin's session start and end for one run: its configuration by dotted path, and how it ended.
/// No experiment summary is written, so TensorBoard builds the experiment from every exported run in its log
/// folder, with the runs' scalar tags as metrics.
/// </summary>
internal static class HParams
{
    public const string SessionStartTag = "_hparams_/session_start_info";
    public const string SessionEndTag = "_hparams_/session_end_info";
    private const string PluginName = "hparams";

    public static TbHParamsPluginData SessionStart(RunManifest manifest, double startSeconds)
    {
        var start = new TbSessionStartInfo { StartTimeSecs = startSeconds, GroupName = manifest.ConfigHash ?? string.Empty };
        if (manifest.Hyperparameters is { } configuration)
        {
            foreach (var (path, value) in ConfigurationPaths.Leaves(configuration))
            {
                start.Hparams[path] = value.ValueKind switch
                {
                    JsonValueKind.Number => Google.Protobuf.WellKnownTypes.Value.ForNumber(value.GetDouble()),
                    JsonValueKind.True or JsonValueKind.False => Google.Protobuf.WellKnownTypes.Value.ForBool(value.GetBoolean()),
                    JsonValueKind.String => Google.Protobuf.WellKnownTypes.Value.ForString(value.GetString()!),
                    _ => Google.Protobuf.WellKnownTypes.Value.ForString(ConfigurationPaths.Compact(value)),
                };
            }
        }

        return new TbHParamsPluginData { Version = 0, SessionStartInfo = start };
    }

    public static TbHParamsPluginData SessionEnd(RunManifest manifest, double endSeconds) => new()
    {
        Version = 0,
        SessionEndInfo = new TbSessionEndInfo
        {
            // The plugin's Status: 1 success, 2 failure, 3 running.
            Status = manifest.Status switch { RunStatus.Finished => 1, RunStatus.Running => 3, _ => 2 },
            EndTimeSecs = endSeconds,
        },
    };

    /// <summary>A summary holding the plugin data in its metadata, with the scalar float tensor TensorBoard's own writer adds.</summary>
    public static TbSummary Summary(string tag, TbHParamsPluginData data) => new()
    {
        Value =
        {
            new TbSummary.Types.Value
            {
                Tag = tag,
                Metadata = new TbSummaryMetadata { PluginData = new TbSummaryMetadata.Types.PluginData { PluginName = PluginName, Content = data.ToByteString() } },
                Tensor = new TbTensor { Dtype = 1, TensorShape = new TbTensorShape(), FloatVal = { 0f } },
            },
        },
    };
}
