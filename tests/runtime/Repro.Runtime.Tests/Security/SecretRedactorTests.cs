using Repro.Security;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Security;

public class SecretRedactorTests
{
    public static TheoryData<string> Names { get; } = new(SecretSamples.All.Select(sample => sample.Name));

    [Fact]
    public void There_are_at_least_thirty_forms() => Assert.True(SecretSamples.All.Count >= 30);

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_form_is_redacted_alone_and_inside_other_text(string name)
    {
        var (_, text, secret) = SecretSamples.All.Single(sample => sample.Name == name);

        Assert.DoesNotContain(secret, SecretRedactor.Redact(text), StringComparison.Ordinal);
        var sentence = SecretRedactor.Redact($"config loaded from {text} at startup");
        Assert.DoesNotContain(secret, sentence, StringComparison.Ordinal);
        Assert.Contains("config loaded from", sentence, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, sentence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/org/model.git")]
    [InlineData("git@github.com:org/model.git")]
    [InlineData("--epochs=50 --learning-rate 0.001 --seed 7")]
    [InlineData("Host=db;Database=runs;Username=ml")]
    [InlineData("0123456789abcdef0123456789abcdef01234567")]
    public void Ordinary_text_is_left_alone(string text) => Assert.Equal(text, SecretRedactor.Redact(text));

    [Theory]
    [InlineData("https://builder:ghp_R3pr0T3stT0k3nAbCdEfGhIjKlMnOpQrSt12@github.com/org/model.git", "https://github.com/org/model.git")]
    [InlineData("https://oauth2:glpat-xZ3vRepro7TestTokenQ9@gitlab.com/org/model.git", "https://gitlab.com/org/model.git")]
    [InlineData("ssh://git@host.example.com/model.git", "ssh://host.example.com/model.git")]
    public void Remote_urls_lose_their_credentials_entirely(string url, string expected) =>
        Assert.Equal(expected, SecretRedactor.RedactUrl(url));

    [Fact]
    public void The_value_after_a_secret_option_is_masked_whole()
    {
        var redacted = SecretRedactor.RedactArguments(["train.dll", "--password", "hunter2", "--epochs", "5", "--api-key", "k", "--token=abc123xyz"]);

        Assert.Equal(["train.dll", "--password", SecretRedactor.Mask, "--epochs", "5", "--api-key", SecretRedactor.Mask, "--token=" + SecretRedactor.Mask], redacted);
    }

    [Theory]
    [InlineData("HF_TOKEN", "anything")]
    [InlineData("AZURE_STORAGE_CONNECTION_STRING", "anything")]
    [InlineData("DB_PASSWORD", "anything")]
    [InlineData("REPRO_API_KEY", "anything")]
    public void Variables_named_like_secrets_are_masked_whole(string name, string value) =>
        Assert.Equal(SecretRedactor.Mask, SecretRedactor.RedactVariable(name, value));

    [Fact]
    public void Pathological_input_finishes_quickly_and_masks_rather_than_leaks()
    {
        var text = "password=" + new string('a', 200_000) + " " + string.Concat(Enumerable.Repeat("x://", 50_000));
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain(new string('a', 100), redacted, StringComparison.Ordinal);
    }
}
