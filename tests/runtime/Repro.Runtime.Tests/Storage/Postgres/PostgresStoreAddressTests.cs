using Repro.Tests.Shared;
using Repro.Storage.Postgres;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>The store's address as users write it: libpq-style URLs and Npgsql connection strings, and a password that never shows.</summary>
[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class PostgresStoreAddressTests
{
    [Theory]
    [InlineData("postgres://alice@db.example:5433/runs", "postgres://alice@db.example:5433/runs")]
    [InlineData("postgresql://alice@db.example/runs", "postgres://alice@db.example/runs")]
    [InlineData("postgres://db.example", "postgres://db.example/postgres")]
    [InlineData("postgres://al%40ce@db.example/runs?sslmode=require&application_name=trainer", "postgres://al%40ce@db.example/runs")]
    [InlineData("Host=db.example;Port=5433;Username=alice;Database=runs", "postgres://alice@db.example:5433/runs")]
    public void Addresses_are_read_as_libpq_and_Npgsql_write_them(string address, string display)
    {
        var parsed = PostgresStoreAddress.Parse(address);

        Assert.Equal(display, parsed.Display);
        Assert.Equal(display, parsed.ToString());
    }

    [Theory]
    [InlineData("postgres://alice:hunter2-secret@db.example/runs")]
    [InlineData("Host=db.example;Username=alice;Password=hunter2-secret;Database=runs")]
    public void A_password_never_shows_in_what_is_printed_or_recorded(string address)
    {
        var parsed = PostgresStoreAddress.Parse(address);

        Assert.DoesNotContain("hunter2", parsed.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", parsed.ToString(), StringComparison.Ordinal);
        Assert.Contains("Password=hunter2-secret", parsed.ConnectionString, StringComparison.Ordinal); // only the connection sees it
    }

    [Theory]
    [InlineData("s3://bucket/prefix", "postgres://user@host:port/database")]
    [InlineData("just-a-word", "postgres://user@host:port/database")]
    [InlineData("postgres://alice:hunter2-secret@db.example/runs?sslmod=require", "'sslmod'")]
    [InlineData("Port=5432;Username=alice;Password=hunter2-secret", "names no Host")]
    public void Bad_addresses_are_refused_with_what_to_write_and_without_echoing_a_password(string address, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresStoreAddress.Parse(address));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_store_address_fails_the_run_start_before_anything_is_written()
    {
        using var home = new Repro.Tests.Shared.TemporaryDirectory("repro-pg-address");

        var error = Assert.Throws<ArgumentException>(() => Run.Start(new RunOptions { Home = home.Path, Store = "mysql://alice@db/runs", TelemetryInterval = TimeSpan.Zero }));

        Assert.Contains("postgres://", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home.Path, "runs")), "no run folder for a run that never started");
    }
}
