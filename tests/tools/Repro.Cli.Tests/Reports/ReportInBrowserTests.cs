using Microsoft.Playwright;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Cli.Tests.Reports;

/// <summary>
/// <c>repro report</c> opened in a real headless Chromium: what a person sees (a line per run, axis labels, the
/// verdict, best values, bands), no error on the page, nothing fetched from anywhere; a screenshot is kept.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class ReportInBrowserTests : IDisposable
{
    private static readonly MetricDeclaration s_loss = new("loss", options: new MetricOptions { Goal = MetricGoal.Minimize });
    private static readonly MetricDeclaration s_gradient = new("grad_norm", options: new MetricOptions { Aggregation = MetricAggregation.Statistics, IntervalSteps = 20, RecordValues = false });
    private static readonly MetricDeclaration s_latency = new("latency", options: new MetricOptions { Aggregation = MetricAggregation.Sketch, IntervalSteps = 25, RecordValues = true });
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [SkippableFact]
    public async Task Two_runs_show_one_line_each_axis_labels_bands_the_best_value_and_the_verdict_without_page_errors()
    {
        var a = Record(seed: 1);
        var b = Record(seed: 2);
        var path = Path.Combine(_cli.Home, "report.html");

        var (code, output, error) = _cli.Invoke("report", a, b, "-o", path);

        Assert.True(code == 0, output + error);
        var html = await File.ReadAllTextAsync(path);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal); // nothing to fetch: it opens offline
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 900 } });
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, message) => problems.Add($"page error: {message}");
        page.RequestFailed += (_, request) => problems.Add($"request failed: {request.Url}");
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(path).AbsoluteUri);

        var loss = page.Locator("section.metric[data-metric='loss']");
        Assert.Equal(2, await loss.Locator("svg.chart polyline.series").CountAsync());
        Assert.True(await loss.Locator("svg.chart").IsVisibleAsync());
        Assert.Equal(2, await loss.Locator("svg.chart circle.best").CountAsync());
        var axisLabels = await loss.Locator("svg.chart text.axis-label").AllTextContentsAsync();
        Assert.Equal(["step", "loss"], axisLabels);
        Assert.Equal(2, await page.Locator("section.metric[data-metric='grad_norm'] svg.chart polygon.band").CountAsync());
        Assert.Equal(2, await page.Locator("section.metric[data-metric='latency'] svg.chart polygon.band").CountAsync());
        var verdict = await page.Locator(".verdict-line").InnerTextAsync();
        Assert.Equal("diverge at step 0 (latency)", verdict); // loss and latency part at step 0; the first name wins
        Assert.Contains("seeds: trainer 1 → 2", await page.Locator("ul.reasons").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("table.side tr.differs").CountAsync() > 0); // the seed's row is marked
        Assert.Empty(problems);
        Assert.Equal([new Uri(path).AbsoluteUri], requests);

        var screenshots = Path.Combine(RepoPaths.Root, "artifacts", "test-results");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "report.png"), FullPage = true });
        Assert.True(new FileInfo(Path.Combine(screenshots, "report.png")).Length > 10_000);
    }

    [Fact]
    public void The_same_runs_give_the_same_bytes_and_a_spike_among_many_values_survives_downsampling()
    {
        var run = Run.Start(new RunOptions { Home = _cli.Home, Name = "long", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        for (var step = 0; step < 200_000; step++)
        {
            run.LogScalar(s_loss, step, step == 123_457 ? 50.0 : 1.0 / (1 + (step / 1000.0)));
        }

        run.Finish();
        var id = run.Id.ToString();
        var first = Path.Combine(_cli.Home, "one.html");
        var second = Path.Combine(_cli.Home, "two.html");

        Assert.Equal(0, _cli.Invoke("report", id, "-o", first).ExitCode);
        Assert.Equal(0, _cli.Invoke("report", id, "-o", second).ExitCode);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        var html = File.ReadAllText(first);
        Assert.Contains("200000 values, drawn as min and max per pixel column", html, StringComparison.Ordinal);
        Assert.True(html.Length < 200_000, $"{html.Length} characters");
        // Without the spike every value is at most 1; with it kept, the y axis reaches past 40.
        Assert.Contains(">40</text>", html, StringComparison.Ordinal);
    }

    private string Record(long seed)
    {
        var run = Run.Start(new RunOptions { Home = _cli.Home, Name = $"seed-{seed}", TelemetryInterval = TimeSpan.Zero, WarningsToStandardError = false });
        run.RecordSeed("trainer", seed);
        var random = new Random((int)seed);
        for (var step = 0; step < 100; step++)
        {
            run.LogScalar(s_loss, step, (1.0 / (step + 1)) + (0.01 * random.NextDouble()));
            run.LogScalar(s_gradient, step, random.NextDouble());
            run.LogScalar(s_latency, step, 10 + random.NextDouble());
        }

        run.Finish();
        Thread.Sleep(2);
        return run.Id.ToString();
    }
}
