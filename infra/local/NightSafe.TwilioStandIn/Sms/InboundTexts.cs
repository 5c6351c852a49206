using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NightSafe.TwilioStandIn;

/// <summary>
/// SMS arriving at the account's number, as Twilio handles them: held as inbound messages, posted to the app's
/// messaging webhook (signed), and the webhook's TwiML answer turned into outbound-reply messages.
/// </summary>
internal sealed partial class InboundTexts(MessageLedger ledger, MessagesApi api, string accountSid, string authToken, TimeProvider time, ILogger logger) : IDisposable
{
    /// <summary>How long Twilio waits for a messaging webhook's answer (then it logs error 11200 and sends nothing).</summary>
    public static readonly TimeSpan WebhookTimeout = TimeSpan.FromSeconds(15);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // For texts delivered through the endpoint: the caller's own client otherwise.
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan };

    public SentMessage Receive(string from, string to, string body, string? messageSid)
    {
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        ArgumentNullException.ThrowIfNull(body);
        if (messageSid is not null && ledger.Find(messageSid) is { } held)
        {
            return held;
        }

        var now = time.GetUtcNow();
        var message = new SentMessage
        {
            Sid = messageSid ?? TwilioSid.New("SM"),
            AccountSid = accountSid,
            To = to,
            From = from,
            Body = body,
            Direction = MessageDirection.Inbound,
            Status = MessageStatus.Received,
            NumSegments = SmsSegments.Count(body),
            NumMedia = 0,
            Encoding = SmsSegments.EncodingOf(body),
            CreatedAt = now,
            UpdatedAt = now,
            SentAt = now,
        };
        ledger.Add(message);
        return message;
    }

    public IReadOnlyList<SentMessage> Answer(SentMessage inbound, WebhookAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.StatusCode is < 200 or >= 300)
        {
            return [];
        }

        var replies = new List<SentMessage>();
        foreach (var verb in TwimlReplies.Parse(answer.Body))
        {
            var now = time.GetUtcNow();
            var receivedAt = inbound.SentAt ?? inbound.CreatedAt;
            // Twilio sends the reply once it has the answer: never dated before the text it answers.
            var sent = now > receivedAt ? now : receivedAt + TimeSpan.FromMilliseconds(1);
            var reply = new SentMessage
            {
                Sid = TwilioSid.New("SM"),
                AccountSid = accountSid,
                To = verb.To ?? inbound.From ?? string.Empty,
                From = verb.From ?? inbound.To,
                Body = verb.Body,
                Direction = MessageDirection.OutboundReply,
                Status = MessageStatus.Delivered,
                NumSegments = SmsSegments.Count(verb.Body),
                NumMedia = 0,
                Encoding = SmsSegments.EncodingOf(verb.Body),
                CreatedAt = sent,
                UpdatedAt = sent,
                SentAt = sent,
            };
            ledger.Add(reply);
            var toTail = MessagesApi.PhoneTail(reply.To);
            LogReplied(reply.Sid, inbound.Sid, toTail);
            replies.Add(reply);
        }

        return replies;
    }

    public async Task<InboundDelivery> DeliverAsync(
        string from, string to, string body, Func<IReadOnlyDictionary<string, string>, CancellationToken, Task<WebhookAnswer>> webhook,
        string? messageSid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var inbound = Receive(from, to, body, messageSid);
        var answer = await webhook(InboundSms.Form(accountSid, from, to, body, inbound.Sid), cancellationToken);
        return new InboundDelivery(inbound, answer.StatusCode, answer.Body, Answer(inbound, answer));
    }

    public Task<InboundDelivery> DeliverAsync(
        HttpClient http, Uri webhookUrl, Uri signedUrl, string from, string to, string body, string? messageSid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(webhookUrl);
        ArgumentNullException.ThrowIfNull(signedUrl);
        return DeliverAsync(from, to, body, async (form, ct) =>
        {
            using var request = TwilioSignature.SignedPost(signedUrl, form, authToken);
            request.RequestUri = webhookUrl;
            using var response = await http.SendAsync(request, ct);
            return new WebhookAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }, messageSid, cancellationToken);
    }

    /// <summary>POST /stand-in/Accounts/{accountSid}/Inbound.json: see <see cref="TwilioStandInServer.InboundPath"/>.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        if (!await api.AuthorisedAsync(context))
        {
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        var (from, to, body, url) = (Field("From"), Field("To"), Field("Body") ?? string.Empty, Field("Url"));
        if (from is null || to is null || !TryWebUrl(url, out var webhookUrl) || !TryWebUrl(Field("SignedUrl") ?? url, out var signedUrl))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await WriteAsync(context, json => json.WriteString("message", "From, To and an absolute http(s) Url are required; SignedUrl, when given, must be one too."));
            return;
        }

        InboundDelivery delivery;
        var held = Receive(from, to, body, Field("MessageSid"));
        using (var twilio = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            twilio.CancelAfter(WebhookTimeout);
            try
            {
                delivery = await DeliverAsync(_http, webhookUrl, signedUrl, from, to, body, held.Sid, twilio.Token);
            }
            catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !context.RequestAborted.IsCancellationRequested))
            {
                // As Twilio: no answer in time, or none at all (error 11200); the text is held, nothing is sent back.
                LogNoAnswer(held.Sid, e.GetType().Name);
                delivery = new InboundDelivery(held, 0, string.Empty, []);
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        await WriteAsync(context, json =>
        {
            json.WriteString("inbound_sid", delivery.Inbound.Sid);
            json.WriteNumber("webhook_status", delivery.StatusCode);
            json.WriteString("webhook_answer", delivery.Answer);
            json.WriteStartArray("replies");
            foreach (var reply in delivery.Replies)
            {
                json.WriteStartObject();
                json.WriteString("sid", reply.Sid);
                json.WriteString("body", reply.Body);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    public void Dispose() => _http.Dispose();

    private static bool TryWebUrl(string? value, out Uri url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        json.WriteStartObject();
        write(json);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replied {MessageSid} to {ToTail} from the TwiML answering {InboundSid}")]
    private partial void LogReplied(string messageSid, string inboundSid, string toTail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound {MessageSid}: the messaging webhook gave no answer ({Reason}); nothing sent back")]
    private partial void LogNoAnswer(string messageSid, string reason);
}
