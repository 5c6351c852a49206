using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NightSafe.Cli.Output;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.References;
using NightSafe.LocalStack;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NightSafe.Pages.Tests;

/// <summary>The whole offline hub on free ports (as `nightsafe demo` starts it), shared by the browser tests.</summary>
public class PagesFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _logs = new();
    private ILoggerFactory? _loggerFactory;
    private OfflineHub? _hub;

    public OfflineHub Hub => _hub ?? throw new InvalidOperationException("The hub is not started.");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Where screenshots go: TestResults/pages (git-ignored) at the repository root.</summary>
    public string ResultsFolder { get; } = Path.Combine(RepositoryLayout.FindRoot(), "TestResults", "pages");

    /// <summary>One acknowledgement deadline for every priority, or null for routing.json's minutes.</summary>
    protected virtual TimeSpan? AcknowledgeWithin => null;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ResultsFolder);
        _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new LineLog(_logs.Enqueue, LineLog.Default)));
        _hub = await OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree, LoggerFactory = _loggerFactory, AcknowledgeWithin = AcknowledgeWithin });
    }

    public IEnumerable<string> Logs => _logs;

    /// <summary>Texts the hub as a rostered Chelmsford officer; the reference of the referral it made.</summary>
    public async Task<ReferenceCode> ReferAsync(string text, string from = "+447700900001")
    {
        var phone = new OfficerPhone(Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);
        var reply = await phone.TextAsync(from, text, CancellationToken.None);
        return reply.Reference ?? throw new InvalidOperationException($"The hub did not take the referral: {reply.Status} {reply.Message}");
    }

    public void WriteLogTail(ITestOutputHelper output, int lines = 120)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var line in _logs.TakeLast(lines))
        {
            output.WriteLine(line);
        }
    }

    public async Task DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }

        _loggerFactory?.Dispose();
        Http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedHub : ICollectionFixture<PagesFixture>
{
    public const string Name = "pages";
}
