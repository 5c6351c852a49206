using System.Collections.Concurrent;
using Twilio.Clients;
using Twilio.Http;

namespace NightSafe.TwilioStandIn.Tests;

/// <summary>Sends the Twilio SDK's requests for https://api.twilio.com to the stand-in instead, and counts them.</summary>
public sealed class StandInRedirect(Uri standIn) : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<Uri> Requests { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = new UriBuilder(request.RequestUri!) { Scheme = standIn.Scheme, Host = standIn.Host, Port = standIn.Port };
        request.RequestUri = target.Uri;
        Requests.Enqueue(target.Uri);
        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>A real Twilio REST client whose requests land on <paramref name="server"/>.</summary>
    public static (TwilioRestClient Client, StandInRedirect Redirect) Client(
        TwilioStandInServer server, string? authToken = null, string? accountSid = null)
    {
        var redirect = new StandInRedirect(server.BaseUrl);
        var http = new SystemNetHttpClient(new System.Net.Http.HttpClient(redirect));
        return (new TwilioRestClient(server.AccountSid, authToken ?? server.AuthToken, accountSid, httpClient: http), redirect);
    }
}
