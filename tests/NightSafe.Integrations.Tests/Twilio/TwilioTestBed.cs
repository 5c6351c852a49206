using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NightSafe.Core.Ports;
using NightSafe.Integrations.DependencyInjection;
using WireMock.Server;

namespace NightSafe.Integrations.Tests.Twilio;

/// <summary>The SMS sender as the app wires it (AddNightSafeSms), pointed at a WireMock stand-in for api.twilio.com.</summary>
public sealed class TwilioTestBed : IDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "0123456789abcdef0123456789abcdef";
    public const string From = "+447700900000";
    public const string MessagePath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";

    private readonly ServiceProvider _provider;

    public TwilioTestBed(int maxAttempts = 3, TimeSpan? attemptTimeout = null, string? messagingServiceSid = null, Uri? apiBaseUrl = null)
    {
        Server = WireMockServer.Start();
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:ApiBaseUrl"] = (apiBaseUrl ?? new Uri(Server.Url!)).ToString(),
            ["Twilio:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
            ["Twilio:RetryBaseDelay"] = "00:00:00.010",
            ["Twilio:RetryMaxDelay"] = "00:00:00.050",
            ["Twilio:AttemptTimeout"] = (attemptTimeout ?? TimeSpan.FromSeconds(10)).ToString("c", CultureInfo.InvariantCulture),
        };
        settings[messagingServiceSid is null ? "Twilio:From" : "Twilio:MessagingServiceSid"] = messagingServiceSid ?? From;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _provider = new ServiceCollection()
            .AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Trace))
            .AddNightSafeSms(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public WireMockServer Server { get; }

    public ISmsSender Sender => _provider.GetRequiredService<ISmsSender>();

    /// <summary>Twilio's message records, as the erasure deletes them.</summary>
    public ISmsRecords Records => _provider.GetRequiredService<ISmsRecords>();

    public static string MessageRecordPath(string sid) => $"/2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json";

    public FakeLogCollector Logs => _provider.GetFakeLogCollector();

    public int Requests => Server.LogEntries.Count;

    public static string MessageJson(string sid) =>
        $$"""{"sid":"{{sid}}","account_sid":"{{AccountSid}}","status":"queued","direction":"outbound-api","num_segments":"1"}""";

    public static string ErrorJson(int code, int status, string message) =>
        $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";

    public void Dispose()
    {
        _provider.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}
