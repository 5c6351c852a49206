using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using NightSafe.Core.References;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Sms;

/// <summary>What the hub answered to one text: the TwiML reply, the reference it names, and how long it took.</summary>
public sealed record OfficerReply(HttpStatusCode Status, string? Message, ReferenceCode? Reference, TimeSpan Elapsed)
{
    public bool Succeeded => Status == HttpStatusCode.OK;
}

/// <summary>
/// Texts the hub as Twilio would deliver an officer's SMS: the inbound form, signed with <c>X-Twilio-Signature</c> over
/// the public URL, POSTed to /api/sms/inbound.
/// </summary>
public sealed partial class OfficerPhone(HttpClient http, Uri functionsBaseUrl, Uri publicBaseUrl, string accountSid, string authToken, string hubNumber)
{
    public const string Route = "api/sms/inbound";

    /// <summary>How long Twilio waits for a webhook's answer before it gives up on it (and sends the officer nothing).</summary>
    public static readonly TimeSpan TwilioWebhookTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Give up on an answer after <see cref="TwilioWebhookTimeout"/>, as Twilio does (off by default).</summary>
    public bool GivesUpLikeTwilio { get; init; }

    /// <summary>
    /// The stack's Twilio stand-in, when this phone runs in its process: each text then goes through it as through
    /// Twilio (the stand-in holds the inbound text, posts the signed webhook, and holds the TwiML answer as the reply
    /// message Twilio would make), so the stand-in's messages are Twilio's. Null: the webhook is posted directly.
    /// </summary>
    public TwilioStandInServer? StandIn { get; init; }

    /// <summary>
    /// The running stack's Twilio stand-in, when this phone runs in another process (<c>nightsafe text</c>): each text is
    /// handed to its inbound endpoint (<see cref="TwilioStandInServer.InboundPath"/>), which delivers it as Twilio does
    /// and holds the text and the TwiML replies. Null (and no <see cref="StandIn"/>): the webhook is posted directly.
    /// </summary>
    public Uri? StandInUrl { get; init; }

    public Task<OfficerReply> TextAsync(string from, string body, CancellationToken cancellationToken) =>
        TextAsync(from, body, messageSid: null, cancellationToken);

    /// <summary>One text; pass the same <paramref name="messageSid"/> again to retry its webhook as Twilio does.</summary>
    public async Task<OfficerReply> TextAsync(string from, string body, string? messageSid, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var twilio = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (GivesUpLikeTwilio)
        {
            twilio.CancelAfter(TwilioWebhookTimeout);
        }

        if (StandIn is { } standIn)
        {
            var delivery = await standIn.DeliverInboundAsync(http, new Uri(functionsBaseUrl, Route), new Uri(publicBaseUrl, Route), from, hubNumber, body, messageSid, twilio.Token);
            var status = (HttpStatusCode)delivery.StatusCode;
            var reply = status == HttpStatusCode.OK ? ReadTwiml(delivery.Answer) : null;
            return new OfficerReply(status, reply, ReferenceIn(reply), clock.Elapsed);
        }

        if (StandInUrl is { } standInUrl)
        {
            return await TextThroughStandInAsync(standInUrl, from, body, messageSid, clock, twilio.Token);
        }

        var form = InboundSms.Form(accountSid, from, hubNumber, body, messageSid);
        // Twilio signs the URL it called (the public one); the request itself goes wherever the app listens.
        using var request = TwilioSignature.SignedPost(new Uri(publicBaseUrl, Route), form, authToken);
        request.RequestUri = new Uri(functionsBaseUrl, Route);
        using var response = await http.SendAsync(request, twilio.Token);
        var text = await response.Content.ReadAsStringAsync(twilio.Token);
        var elapsed = clock.Elapsed;
        var message = response.StatusCode == HttpStatusCode.OK ? ReadTwiml(text) : null;
        return new OfficerReply(response.StatusCode, message, ReferenceIn(message), elapsed);
    }

    /// <summary>The text handed to the stand-in's inbound endpoint; a webhook that gave no answer is status 0.</summary>
    private async Task<OfficerReply> TextThroughStandInAsync(Uri standInUrl, string from, string body, string? messageSid, Stopwatch clock, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["From"] = from,
            ["To"] = hubNumber,
            ["Body"] = body,
            ["Url"] = new Uri(functionsBaseUrl, Route).ToString(),
            ["SignedUrl"] = new Uri(publicBaseUrl, Route).ToString(),
        };
        if (messageSid is not null)
        {
            fields["MessageSid"] = messageSid;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(standInUrl, TwilioStandInServer.InboundPath(accountSid)))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{accountSid}:{authToken}")));
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var status = (HttpStatusCode)answer.RootElement.GetProperty("webhook_status").GetInt32();
        var reply = status == HttpStatusCode.OK ? ReadTwiml(answer.RootElement.GetProperty("webhook_answer").GetString() ?? string.Empty) : null;
        return new OfficerReply(status, reply, ReferenceIn(reply), clock.Elapsed);
    }

    /// <summary>The first Message of a TwiML MessagingResponse, or null when it has none.</summary>
    public static string? ReadTwiml(string twiml)
    {
        try
        {
            return XDocument.Parse(twiml).Root?.Element("Message")?.Value;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>The reference code a referral's acknowledgement names ("NightSafe ref 7KQ2MX: ...").</summary>
    public static ReferenceCode? ReferenceIn(string? reply) =>
        reply is not null && AcknowledgedReference().Match(reply) is { Success: true } match && ReferenceCode.TryParse(match.Groups[1].Value, out var code)
            ? code
            : null;

    [GeneratedRegex(@"^NightSafe ref ([0-9A-Z]{6}):")]
    private static partial Regex AcknowledgedReference();
}
