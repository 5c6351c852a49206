using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>A fresh stand-in on a free port for each test, with a real Twilio SDK client pointed at it.</summary>
public abstract class StandInTest : IAsyncLifetime
{
    protected const string Sender = "+447700900000";
    protected const string Person = "+447700900123";
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    protected TwilioStandInServer Server { get; private set; } = null!;

    protected TwilioRestClient Client { get; private set; } = null!;

    protected StandInRedirect Redirect { get; private set; } = null!;

    protected virtual TwilioStandInOptions Options => new() { CallbackRetryDelay = TimeSpan.FromMilliseconds(10) };

    public async Task InitializeAsync()
    {
        Server = await TwilioStandInServer.StartAsync(Options);
        (Client, Redirect) = StandInRedirect.Client(Server);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    protected static CreateMessageOptions Sms(string to, string body, Uri? statusCallback = null) =>
        new(new PhoneNumber(to)) { From = new PhoneNumber(Sender), Body = body, StatusCallback = statusCallback };

    protected Task<MessageResource> SendAsync(string to, string body, Uri? statusCallback = null) =>
        MessageResource.CreateAsync(Sms(to, body, statusCallback), Client);

    /// <summary>A plain HttpClient with the stand-in's basic auth, for checking the wire format itself.</summary>
    protected HttpClient RawClient(string? authToken = null)
    {
        var http = new HttpClient { BaseAddress = Server.BaseUrl };
        var credentials = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Server.AccountSid}:{authToken ?? Server.AuthToken}"));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", credentials);
        return http;
    }

    protected string MessagesPath => $"/2010-04-01/Accounts/{Server.AccountSid}/Messages.json";
}
