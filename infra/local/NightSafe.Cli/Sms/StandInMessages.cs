using Twilio.Base;
using Twilio.Clients;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.Cli.Sms;

/// <summary>The Twilio SDK, pointed at the local stand-in: what the hub has sent, read as Twilio's own clients read it.</summary>
public static class StandInMessages
{
    /// <summary>A real Twilio REST client whose requests for api.twilio.com land on <paramref name="standIn"/>.</summary>
    public static TwilioRestClient Client(Uri standIn, string accountSid, string authToken) =>
        new(accountSid, authToken, httpClient: new SystemNetHttpClient(new System.Net.Http.HttpClient(new StandInRedirect(standIn))));

    /// <summary>Every message the stand-in holds, newest first as Twilio lists them.</summary>
    public static async Task<IReadOnlyList<MessageResource>> ListAsync(ITwilioRestClient client, int limit)
    {
        ResourceSet<MessageResource> page = await MessageResource.ReadAsync(limit: limit, client: client);
        return [.. page];
    }

    /// <summary>Rewrites the SDK's request to the stand-in's scheme, host and port; the path and query stay.</summary>
    private sealed class StandInRedirect(Uri standIn) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(request);
            request.RequestUri = new UriBuilder(request.RequestUri!) { Scheme = standIn.Scheme, Host = standIn.Host, Port = standIn.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
