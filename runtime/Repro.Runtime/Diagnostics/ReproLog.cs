using Microsoft.Extensions.Logging;

namespace Repro.Diagnostics;

/// <summary>Repro's own diagnostics, with stable event ids so applications can filter and alert on them.</summary>
internal static partial class ReproLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Repro's event writer failed; events logged from now on are dropped and counted.")]
    public static partial void WriterFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Repro could not write the run manifest {Path}; the run keeps its state in memory and writes it at the end, or a reader recovers it from the log.")]
    public static partial void ManifestWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Repro dropped {Dropped} events in total: the buffer was full ({Policy}).")]
    public static partial void EventsDropped(ILogger logger, long dropped, Pipeline.BufferFullPolicy policy);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Recovering run {RunId}: {Problem}")]
    public static partial void DamagedLog(ILogger logger, string runId, Wal.WalCorruption problem);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Sink {Sink} failed while storing events of run {RunId}; its cursor stays at {Cursor}, so a later replay delivers them again.")]
    public static partial void SinkFailed(ILogger logger, Exception exception, string sink, string runId, ulong cursor);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Replaying run {RunId}: {Problem}")]
    public static partial void ReplayDamage(ILogger logger, string runId, Wal.WalCorruption problem);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Run {RunId} crashed: recovered {LastSequence} events up to {LastTime:O}; cut {Truncated} bytes of torn tail.")]
    public static partial void RunRecovered(ILogger logger, string runId, ulong lastSequence, DateTimeOffset lastTime, long truncated);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Run {RunId} is not repeatable: {Problem}")]
    public static partial void NondeterministicSetting(ILogger logger, string runId, string problem);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Run {RunId}: {Problem}")]
    public static partial void ProvenanceWarning(ILogger logger, string runId, string problem);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Run {RunId}: {Problem}")]
    public static partial void ArtifactFailed(ILogger logger, string runId, string problem);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Run {RunId}: {Problem}")]
    public static partial void ArtifactUploadDelayed(ILogger logger, string runId, string problem);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Run {RunId}: shipping to the central store is delayed: {Problem}")]
    public static partial void ShippingDelayed(ILogger logger, string runId, string problem);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Run {RunId}: shipping to the central store resumed; it holds events up to {Cursor}")]
    public static partial void ShippingResumed(ILogger logger, string runId, ulong cursor);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Alert {Rule}: {Message}")]
    public static partial void AlertFired(ILogger logger, string rule, string message);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "The alert callback threw on alert {Rule}; the next alerts still come")]
    public static partial void AlertCallbackFailed(ILogger logger, string rule, Exception exception);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "The alert callback was still running {Seconds} s after the run ended; it was left to finish on its own")]
    public static partial void AlertCallbackAbandoned(ILogger logger, double seconds);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "{Message}")]
    public static partial void HomeGrowing(ILogger logger, string message);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "The home's growth could not be checked: {Problem}")]
    public static partial void HomeGrowthUnknown(ILogger logger, string problem);
}
