using Microsoft.Playwright;
using Xunit;

namespace Repro.Tests.Shared.Services;

/// <summary>
/// Debian's Chromium, headless, driven through Playwright by its executable path (no browser download). Without
/// Chromium the test is skipped with the install command, except in CI, where a missing component fails the run.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string[] s_candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"];
    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("REPRO_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : s_candidates.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            var message = "Chromium is needed to open the HTML report in a real browser: sudo apt-get install chromium";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(message);
            }

            throw new SkipException(message);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
