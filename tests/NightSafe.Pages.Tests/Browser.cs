using System.Drawing;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace NightSafe.Pages.Tests;

/// <summary>
/// Debian's Chromium, headless, driven by its chromedriver through Selenium: a fresh profile per browser, nothing
/// fetched from the network by the browser itself, stopped (and its profile removed) on dispose.
/// </summary>
public sealed class Browser : IDisposable
{
    public static readonly Size Desktop = new(1600, 1000);
    public static readonly Size Phone = new(390, 844);

    private static readonly string ChromiumBinary = Environment.GetEnvironmentVariable("NIGHTSAFE_CHROMIUM") ?? "/usr/bin/chromium";
    private static readonly string DriverBinary = Environment.GetEnvironmentVariable("NIGHTSAFE_CHROMEDRIVER") ?? "/usr/bin/chromedriver";
    private readonly string _profile;

    public Browser(Size size)
    {
        // Selenium Manager is never needed (both binaries are given); keep it from phoning home all the same.
        Environment.SetEnvironmentVariable("SE_AVOID_STATS", "true");
        _profile = Directory.CreateTempSubdirectory("nightsafe-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = ChromiumBinary };
        options.AddArguments(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            $"--user-data-dir={_profile}",
            $"--window-size={size.Width},{size.Height}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverBinary)!, Path.GetFileName(DriverBinary));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Window.Size = size;
    }

    public ChromeDriver Driver { get; }

    public void Go(Uri url) => Driver.Navigate().GoToUrl(url);

    public void Go(Uri baseUrl, string path) => Driver.Navigate().GoToUrl(new Uri(baseUrl, path));

    /// <summary>Waits for a condition with a deadline, polling; fails the test with <paramref name="what"/>.</summary>
    public T Until<T>(Func<IWebDriver, T> condition, string what, double seconds = 10)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { PollingInterval = TimeSpan.FromMilliseconds(100), Message = $"waiting for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public bool Exists(string css) => Driver.FindElements(By.CssSelector(css)).Count > 0;

    public string Text => Driver.FindElement(By.TagName("body")).Text;

    public string Title => Driver.Title;

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    public string Screenshot(string folder, string name)
    {
        var path = Path.Combine(folder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>A full-page screenshot: the window grows to the page's height first.</summary>
    public string FullScreenshot(string folder, string name)
    {
        var size = Driver.Manage().Window.Size;
        var height = Convert.ToInt32(Script("return Math.ceil(document.documentElement.scrollHeight);"), System.Globalization.CultureInfo.InvariantCulture);
        Driver.Manage().Window.Size = new Size(size.Width, Math.Min(Math.Max(height, size.Height), 6000));
        try
        {
            return Screenshot(folder, name);
        }
        finally
        {
            Driver.Manage().Window.Size = size;
        }
    }

    /// <summary>Runs axe-core (from Deque.AxeCore.Commons) on the page; the serious and critical violations.</summary>
    public IReadOnlyList<string> SeriousAccessibilityViolations()
    {
        Driver.ExecuteScript(AxeScript.Value);
        var json = (string?)Driver.ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1];" +
            "axe.run(document, { resultTypes: ['violations'] }).then(function (r) { done(JSON.stringify(r.violations)); }, function (e) { done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])); });");
        using var document = JsonDocument.Parse(json ?? "[]");
        return [.. document.RootElement.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} at " +
                string.Join(" | ", v.GetProperty("nodes").EnumerateArray().Take(3).Select(n => n.GetProperty("html").GetString())))];
    }

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            try
            {
                Directory.Delete(_profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be closing a file in its profile; the temp folder is cleaned up later.
            }
        }
    }

    private static readonly Lazy<string> AxeScript = new(() =>
    {
        using var stream = typeof(Deque.AxeCore.Commons.AxeResult).Assembly.GetManifestResourceStream("Deque.AxeCore.Commons.Resources.axe.min.js")
            ?? throw new InvalidOperationException("axe.min.js is not in Deque.AxeCore.Commons.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}
