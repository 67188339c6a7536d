namespace Repro.Tests.Shared;

/// <summary>
/// Secrets in the forms they reach Repro: the text a user has (a token, a URL, a connection string) and the part
/// that must never be written anywhere. Fake values with the real shapes.
/// </summary>
internal static class SecretSamples
{
    public static IReadOnlyList<(string Name, string Text, string Secret)> All { get; } =
    [
        ("GitHub classic token", "ghp_R3pr0T3stT0k3nAbCdEfGhIjKlMnOpQrSt12", "ghp_R3pr0T3stT0k3nAbCdEfGhIjKlMnOpQrSt12"),
        ("GitHub OAuth token", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
        ("GitHub Actions token", "ghs_ReproActionsToken0123456789abcdefXYZ", "ghs_ReproActionsToken0123456789abcdefXYZ"),
        ("GitHub fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF"),
        ("GitLab personal token", "glpat-xZ3vRepro7TestTokenQ9", "glpat-xZ3vRepro7TestTokenQ9"),
        ("GitLab deploy token", "gldt-Rp7TestDeployToken12345", "gldt-Rp7TestDeployToken12345"),
        ("AWS access key id", "AKIAREPROTEST7EXAMPL", "AKIAREPROTEST7EXAMPL"),
        ("AWS secret access key", "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYREPROKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYREPROKEY"),
        ("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXByby10ZXN0In0.c2lnbmF0dXJlLXJlcHJvLXRlc3Q", "c2lnbmF0dXJlLXJlcHJvLXRlc3Q"),
        ("URL with password", "https://trainer:Tr41n3rPassw0rd@storage.example.com/data", "Tr41n3rPassw0rd"),
        ("Database URL", "postgres://ml:Pg5ecretValue@db.example.com:5432/runs", "Pg5ecretValue"),
        ("Redis URL", "redis://:R3disSecretValue@cache.example.com:6379/0", "R3disSecretValue"),
        ("Npgsql connection string", "Host=db;Username=ml;Password=NpgsqlS3cret!;Database=runs", "NpgsqlS3cret!"),
        ("SQL Server connection string", "Server=sql;User Id=sa;Pwd=SqlS3rverPwd#1;", "SqlS3rverPwd#1"),
        ("Azure storage connection string", "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=QXp1cmVTdG9yYWdlS2V5UmVwcm9UZXN0==;", "QXp1cmVTdG9yYWdlS2V5UmVwcm9UZXN0"),
        ("Azure SAS URL", "https://acct.blob.core.windows.net/data?sv=2022-11-02&se=2030-01-01&sig=AzUr3SaSs1gnatur3Value%3D", "AzUr3SaSs1gnatur3Value"),
        ("Service Bus connection string", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=U2VydmljZUJ1c0tleVJlcHJv=", "U2VydmljZUJ1c0tleVJlcHJv"),
        ("RSA private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAreproTESTkeyMATERIAL\n-----END RSA PRIVATE KEY-----", "MIIEpAIBAAKCAQEAreproTESTkeyMATERIAL"),
        ("OpenSSH private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEreproTEST\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEreproTEST"),
        ("Slack bot token", "xoxb-123456789012-RePr0SlackBotToken", "xoxb-123456789012-RePr0SlackBotToken"),
        ("Slack webhook", "https://hooks.slack.com/services/T000REPRO/B000REPRO/XXreproWebhookSecretXX", "XXreproWebhookSecretXX"),
        ("Stripe live key", "sk_live_4eC39HqLyjWDarjtT1zdp7dcRepro", "sk_live_4eC39HqLyjWDarjtT1zdp7dcRepro"),
        ("Google API key", "AIzaSyReproTestKey0123456789abcdefghijk", "AIzaSyReproTestKey0123456789abcdefghijk"),
        ("npm token", "npm_ReproTestToken0123456789abcdefghijkl", "npm_ReproTestToken0123456789abcdefghijkl"),
        ("PyPI token", "pypi-AgEIcHlwaS5vcmcCJGReproTestTokenValue0123456789abcdefghijklmnop", "pypi-AgEIcHlwaS5vcmcCJGReproTestTokenValue0123456789abcdefghijklmnop"),
        ("Hugging Face token", "hf_ReproTestTokenAbCdEfGhIjKlMnOpQrStUv", "hf_ReproTestTokenAbCdEfGhIjKlMnOpQrStUv"),
        ("OpenAI key", "sk-proj-ReproTestKey0123456789abcdefghijklmnop", "sk-proj-ReproTestKey0123456789abcdefghijklmnop"),
        ("Anthropic key", "sk-ant-api03-ReproTestKey0123456789abcdefghij", "sk-ant-api03-ReproTestKey0123456789abcdefghij"),
        ("SendGrid key", "SG.ReproTestKey0123456789ab.ReproTestSecret0123456789abcdefghijklmnopqrst", "ReproTestSecret0123456789abcdefghijklmnopqrst"),
        ("Twilio key", "SK0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef"),
        ("Databricks token", "dapi0123456789abcdef0123456789abcdef", "dapi0123456789abcdef0123456789abcdef"),
        ("DigitalOcean token", "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        ("Shopify token", "shpat_0123456789abcdef0123456789abcdef", "shpat_0123456789abcdef0123456789abcdef"),
        ("Telegram bot token", "123456789:AAReproTestBotToken0123456789abcdefgh", "AAReproTestBotToken0123456789abcdefgh"),
        ("Discord webhook", "https://discord.com/api/webhooks/123456789/ReproDiscordWebhookSecret", "ReproDiscordWebhookSecret"),
        ("Google OAuth token", "ya29.ReproTestOAuthAccessToken0123456789", "ya29.ReproTestOAuthAccessToken0123456789"),
        ("Bearer header", "Authorization: Bearer ReproBearerToken0123456789abcdef", "ReproBearerToken0123456789abcdef"),
        ("API key setting", "api_key=ReproApiKeyValue12345", "ReproApiKeyValue12345"),
        ("Client secret setting", "client_secret: ReproClientSecretValue", "ReproClientSecretValue"),
        ("Password option", "--password=ReproCmdLinePassword1", "ReproCmdLinePassword1"),
    ];
}
