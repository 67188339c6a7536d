namespace Repro.Artifacts.Remote;

/// <summary>An object of the S3 store, as listed.</summary>
/// <param name="Sha256">Its name: the SHA-256 of its bytes.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record RemoteObject(string Sha256, long Size, DateTimeOffset LastModified);
