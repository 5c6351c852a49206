using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NightSafe.TwilioStandIn;

/// <summary>The Messages endpoints of Twilio's 2010-04-01 REST API: create, fetch, list and delete.</summary>
internal sealed partial class MessagesApi(
    MessageLedger ledger, MessageDelivery delivery, TwilioStandInOptions options, string accountSid, string authToken, ILogger logger)
{
    private const int MaxBodyLength = 1600;

    // Readable output for people curling the stand-in; the JSON is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task CreateAsync(HttpContext context)
    {
        if (!await AuthorisedAsync(context))
        {
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var to = Value(form, "To");
        var from = Value(form, "From");
        var service = Value(form, "MessagingServiceSid");
        var body = Value(form, "Body") ?? string.Empty;
        var statusCallback = Value(form, "StatusCallback");
        var mediaCount = form["MediaUrl"].Count(url => !string.IsNullOrEmpty(url));

        var invalid = Validate(to, from, service, body, mediaCount, statusCallback);
        if (invalid is not null)
        {
            await RefuseAsync(context, to, invalid);
            return;
        }

        var behaviour = options.Numbers.GetValueOrDefault(to!);
        if (behaviour is not null && ledger.Rejects(to!, behaviour))
        {
            await RefuseAsync(context, to, behaviour.Rejection!);
            return;
        }

        var now = options.TimeProvider.GetUtcNow();
        var message = new SentMessage
        {
            Sid = TwilioSid.New("SM"),
            AccountSid = accountSid,
            To = to!,
            From = from,
            MessagingServiceSid = service,
            Body = body,
            Status = MessageStatus.Queued,
            NumSegments = SmsSegments.Count(body),
            NumMedia = mediaCount,
            Encoding = SmsSegments.EncodingOf(body),
            StatusCallback = statusCallback,
            CreatedAt = now,
            UpdatedAt = now,
        };
        ledger.Add(message);
        var toTail = PhoneTail(message.To);
        LogQueued(logger, message.Sid, toTail, message.NumSegments, message.StatusCallback is not null);
        delivery.Start(message, behaviour);
        if (behaviour?.AnswerAfterAccepting is { } error)
        {
            LogAnsweredError(logger, message.Sid, error.Status);
            await WriteErrorAsync(context, error, null);
            return;
        }

        await WriteAsync(context, StatusCodes.Status201Created, json => TwilioJson.WriteMessage(json, message));
    }

    public async Task FetchAsync(HttpContext context)
    {
        if (!await AuthorisedAsync(context))
        {
            return;
        }

        var sid = context.Request.RouteValues["sid"] as string ?? string.Empty;
        if (ledger.Find(sid) is not { } message)
        {
            await NotFoundAsync(context);
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, json => TwilioJson.WriteMessage(json, message));
    }

    /// <summary>
    /// DELETE .../Messages/{sid}.json: 204 and the record is gone; 404 (20404) for a message it does not hold; and,
    /// as Twilio, 409 with error 20009 while the message is still on its way (queued or sent, not yet final).
    /// </summary>
    public async Task DeleteAsync(HttpContext context)
    {
        if (!await AuthorisedAsync(context))
        {
            return;
        }

        var sid = context.Request.RouteValues["sid"] as string ?? string.Empty;
        if (ledger.Find(sid) is not { } message)
        {
            await NotFoundAsync(context);
            return;
        }

        if (message.Status is MessageStatus.Queued or MessageStatus.Sent)
        {
            LogNotDeleted(logger, sid, message.Status);
            await WriteErrorAsync(context, new TwilioError(409, 20009, "Cannot delete this resource before it is complete"), null);
            return;
        }

        if (!ledger.Delete(sid))
        {
            await NotFoundAsync(context);
            return;
        }

        LogDeleted(logger, sid);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task ListAsync(HttpContext context)
    {
        if (!await AuthorisedAsync(context))
        {
            return;
        }

        var (query, error) = MessageListQuery.Parse(name => context.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);
        if (query is null)
        {
            await WriteErrorAsync(context, error!, null);
            return;
        }

        var newestFirst = ledger.Messages.Reverse().ToList();
        var (page, pageError) = query.Select(newestFirst, accountSid);
        if (page is null)
        {
            await WriteErrorAsync(context, pageError!, null);
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, json => TwilioJson.WritePage(json, page));
    }

    public static Task NotFoundAsync(HttpContext context) =>
        WriteErrorAsync(context, new TwilioError(404, 20404, $"The requested resource {context.Request.Path} was not found"), null);

    private static TwilioError? Validate(string? to, string? from, string? service, string body, int mediaCount, string? statusCallback)
    {
        if (to is null)
        {
            return new TwilioError(400, 21604, "A 'To' phone number is required.");
        }

        if (from is null && service is null)
        {
            return new TwilioError(400, 21603, "A 'From' phone number is required.");
        }

        if (body.Length == 0 && mediaCount == 0)
        {
            return new TwilioError(400, 21602, "Message body is required.");
        }

        if (body.Length > MaxBodyLength)
        {
            return new TwilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
        }

        if (!Addressable().IsMatch(to))
        {
            return NumberBehaviour.InvalidNumber.Rejection;
        }

        if (statusCallback is not null
            && !(Uri.TryCreate(statusCallback, UriKind.Absolute, out var callback) && (callback.Scheme == Uri.UriSchemeHttp || callback.Scheme == Uri.UriSchemeHttps)))
        {
            return new TwilioError(400, 21609, "Invalid StatusCallback url");
        }

        return null;
    }

    internal async Task<bool> AuthorisedAsync(HttpContext context)
    {
        if (!CredentialsMatch(context.Request.Headers.Authorization.ToString()))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"Twilio API\"";
            await WriteErrorAsync(context, new TwilioError(401, 20003, "Authenticate"), "Your AccountSid or AuthToken was incorrect.");
            return false;
        }

        if (!string.Equals(context.Request.RouteValues["accountSid"] as string, accountSid, StringComparison.Ordinal))
        {
            await NotFoundAsync(context);
            return false;
        }

        return true;
    }

    private bool CredentialsMatch(string authorization)
    {
        if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
    }

    private async Task RefuseAsync(HttpContext context, string? to, TwilioError error)
    {
        ledger.Refuse(new RefusedMessage(to, error.Status, error.Code, options.TimeProvider.GetUtcNow()));
        var toTail = PhoneTail(to);
        LogRefused(logger, toTail, error.Code, error.Status);
        await WriteErrorAsync(context, error, null);
    }

    private static Task WriteErrorAsync(HttpContext context, TwilioError error, string? detail) =>
        WriteAsync(context, error.Status, json => TwilioJson.WriteError(json, error, detail));

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        write(json);
        await json.FlushAsync(context.RequestAborted);
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

    /// <summary>The last three digits only: logs never carry a whole phone number.</summary>
    internal static string PhoneTail(string? number) =>
        number is null ? "(none)" : number.Length <= 3 ? "***" : "***" + number[^3..];

    // E.164 (optionally behind a channel prefix such as whatsapp:), as Twilio requires for To.
    [GeneratedRegex(@"^(?:[a-z]+:)?\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex Addressable();

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued {MessageSid} to {ToTail}: {Segments} segment(s), status callback {HasCallback}")]
    private static partial void LogQueued(ILogger logger, string messageSid, string toTail, int segments, bool hasCallback);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {MessageSid}")]
    private static partial void LogDeleted(ILogger logger, string messageSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused to delete {MessageSid}: it is still {Status} (error 20009)")]
    private static partial void LogNotDeleted(ILogger logger, string messageSid, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {MessageSid} and answered HTTP {Status} as configured for its number")]
    private static partial void LogAnsweredError(ILogger logger, string messageSid, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused a message to {ToTail}: Twilio error {Code} (HTTP {Status})")]
    private static partial void LogRefused(ILogger logger, string toTail, int code, int status);
}
