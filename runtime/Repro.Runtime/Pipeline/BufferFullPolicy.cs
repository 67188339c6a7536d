namespace Repro.Pipeline;

/// <summary>What logging does when the in-memory buffer is full because the writer is behind.</summary>
public enum BufferFullPolicy
{
    /// <summary>The logging call waits (spinning, then yielding) until there is room: nothing is lost.</summary>
    Block,

    /// <summary>The oldest buffered event is discarded to make room; the loss is counted and logged.</summary>
    DropOldest,

    /// <summary>The new event is discarded; the loss is counted and logged.</summary>
    DropNewest,
}
