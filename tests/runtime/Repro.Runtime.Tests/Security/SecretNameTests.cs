using Repro.Security;

namespace Repro.Runtime.Tests.Security;

/// <summary>
/// Redaction by name. The names below were collected from the documentation of tools ML code meets
/// (cloud SDKs, trackers, model hubs, databases, CI systems) and from real command lines, not derived
/// from the redactor's word list, so a gap in the list shows up here as a failure.
/// </summary>
public class SecretNameTests
{
    [Theory]
    // Environment variables documented by the tools that read them.
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_SESSION_TOKEN")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS_JSON")]
    [InlineData("AZURE_CLIENT_SECRET")]
    [InlineData("AZURE_STORAGE_KEY")]
    [InlineData("AZURE_STORAGE_SAS_TOKEN")]
    [InlineData("WANDB_API_KEY")]
    [InlineData("MLFLOW_TRACKING_PASSWORD")]
    [InlineData("MLFLOW_TRACKING_TOKEN")]
    [InlineData("HUGGING_FACE_HUB_TOKEN")]
    [InlineData("HF_TOKEN")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("NPM_TOKEN")]
    [InlineData("NUGET_AUTH_TOKEN")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("CI_JOB_TOKEN")]
    [InlineData("PGPASSWORD")]
    [InlineData("MYSQL_PWD")]
    [InlineData("DB_PASS")]
    [InlineData("REDIS_AUTH")]
    [InlineData("SENTRY_AUTH_TOKEN")]
    [InlineData("DOCKER_PASSWORD")]
    [InlineData("COMET_API_KEY")]
    [InlineData("NEPTUNE_API_TOKEN")]
    [InlineData("KAGGLE_KEY")]
    [InlineData("ConnectionStrings__Default")]
    // Options and keys in the shapes programs take them.
    [InlineData("--db-pass")]
    [InlineData("--wandb-key")]
    [InlineData("--hf_token")]
    [InlineData("--apiKey")]
    [InlineData("-clientSecret")]
    [InlineData("/Password")]
    [InlineData("storageAccountKey")]
    [InlineData("s3.secret")]
    [InlineData("webhook:signature")]
    [InlineData("SessionCookie")]
    public void Names_that_hold_secrets_are_recognised(string name) => Assert.True(SecretRedactor.IsSecretName(name), name);

    [Theory]
    [InlineData("PWD")]
    [InlineData("OLDPWD")]
    [InlineData("PGPASSFILE")]
    [InlineData("SSH_AUTH_SOCK")]
    [InlineData("TOKENIZERS_PARALLELISM")]
    [InlineData("PYTORCH_CUDA_ALLOC_CONF")]
    [InlineData("CUBLAS_WORKSPACE_CONFIG")]
    [InlineData("max_tokens")]
    [InlineData("num_tokens")]
    [InlineData("token_count")]
    [InlineData("pad_token")]
    [InlineData("eos_token_id")]
    [InlineData("token_embedding_dim")]
    [InlineData("key_dim")]
    [InlineData("keyframes")]
    [InlineData("monkey_patch")]
    [InlineData("passes")]
    [InlineData("compass_heading")]
    [InlineData("password_min_length")]
    [InlineData("api_key_file")]
    [InlineData("--secret-name")]
    [InlineData("sort_key")]
    [InlineData("learning_rate")]
    [InlineData("session_id")]
    [InlineData("")]
    public void Names_that_only_describe_or_resemble_a_secret_are_left_alone(string name) => Assert.False(SecretRedactor.IsSecretName(name), name);

    [Fact]
    public void Options_named_like_secrets_lose_their_value_in_both_forms()
    {
        string[] args = ["train.dll", "--db-pass", "hunter2", "--wandb-key=0123456789abcdef0123", "--max-tokens", "512", "--hf_token", "x"];

        Assert.Equal(["train.dll", "--db-pass", SecretRedactor.Mask, "--wandb-key=" + SecretRedactor.Mask, "--max-tokens", "512", "--hf_token", SecretRedactor.Mask], SecretRedactor.RedactArguments(args));
    }

    [Theory]
    [InlineData("DB_PASS", "hunter2")]
    [InlineData("MYSQL_PWD", "s3cr3t")]
    [InlineData("KAGGLE_KEY", "0123456789abcdef")]
    public void Variables_named_like_secrets_are_masked_whatever_their_value_looks_like(string name, string value) =>
        Assert.Equal(SecretRedactor.Mask, SecretRedactor.RedactVariable(name, value));

    [Theory]
    [InlineData("PWD", "/home/trainer/project")]
    [InlineData("TOKENIZERS_PARALLELISM", "false")]
    public void Other_variables_keep_their_value(string name, string value) => Assert.Equal(value, SecretRedactor.RedactVariable(name, value));
}
