using System;
using Repro.Security;

namespace Repro.Build.Tasks.Provenance;

/// <summary>The CI system a build runs in, recognised by the variables each one documents, and the address of the run.</summary>
internal sealed class ContinuousIntegration
{
    private ContinuousIntegration(string provider, string? runUrl, string? runId)
    {
        Provider = provider;
        RunUrl = runUrl is null ? null : SecretRedactor.RedactUrl(runUrl);
        RunId = runId;
    }

    public string Provider { get; }

    public string? RunUrl { get; }

    public string? RunId { get; }

    /// <summary>The CI system described by <paramref name="variable"/>, or null on a developer machine.</summary>
    public static ContinuousIntegration? Detect(Func<string, string?> variable)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value : null;

        if (Get("GITHUB_ACTIONS") == "true")
        {
            var server = Get("GITHUB_SERVER_URL") ?? "https://github.com";
            var url = Get("GITHUB_REPOSITORY") is { } repository && Get("GITHUB_RUN_ID") is { } run
                ? $"{server}/{repository}/actions/runs/{run}" + (Get("GITHUB_RUN_ATTEMPT") is { } attempt ? $"/attempts/{attempt}" : string.Empty)
                : null;
            return new ContinuousIntegration("GitHub Actions", url, Get("GITHUB_RUN_ID"));
        }

        if (Get("TF_BUILD") is { } tf && tf.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            var url = Get("SYSTEM_COLLECTIONURI") is { } collection && Get("SYSTEM_TEAMPROJECT") is { } project && Get("BUILD_BUILDID") is { } build
                ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={build}"
                : null;
            return new ContinuousIntegration("Azure Pipelines", url, Get("BUILD_BUILDID"));
        }

        if (Get("GITLAB_CI") == "true")
        {
            return new ContinuousIntegration("GitLab CI", Get("CI_JOB_URL") ?? Get("CI_PIPELINE_URL"), Get("CI_JOB_ID"));
        }

        if (Get("BUILDKITE") == "true")
        {
            return new ContinuousIntegration("Buildkite", Get("BUILDKITE_BUILD_URL"), Get("BUILDKITE_BUILD_ID"));
        }

        if (Get("TEAMCITY_VERSION") is not null)
        {
            // TeamCity publishes no run address in the environment; the build number identifies the run.
            return new ContinuousIntegration("TeamCity", null, Get("BUILD_NUMBER"));
        }

        if (Get("JENKINS_URL") is not null)
        {
            return new ContinuousIntegration("Jenkins", Get("BUILD_URL"), Get("BUILD_TAG") ?? Get("BUILD_ID"));
        }

        return null;
    }
}
