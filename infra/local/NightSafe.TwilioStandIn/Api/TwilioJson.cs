using System.Globalization;
using System.Text.Json;

namespace NightSafe.TwilioStandIn;

/// <summary>Twilio's 2010-04-01 JSON shapes: a message, a page of messages, an error.</summary>
internal static class TwilioJson
{
    public const string ApiVersion = "2010-04-01";

    /// <summary>RFC 2822 in GMT, as Twilio writes dates: <c>Thu, 24 Aug 2023 05:01:45 +0000</c>.</summary>
    public static string Rfc2822(DateTimeOffset value) =>
        value.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);

    public static string MessageUri(string accountSid, string sid) => $"/{ApiVersion}/Accounts/{accountSid}/Messages/{sid}.json";

    public static void WriteMessage(Utf8JsonWriter json, SentMessage message)
    {
        json.WriteStartObject();
        json.WriteString("account_sid", message.AccountSid);
        json.WriteString("api_version", ApiVersion);
        json.WriteString("body", message.Body);
        json.WriteString("date_created", Rfc2822(message.CreatedAt));
        WriteStringOrNull(json, "date_sent", message.SentAt is { } sent ? Rfc2822(sent) : null);
        json.WriteString("date_updated", Rfc2822(message.UpdatedAt));
        json.WriteString("direction", message.Direction);
        if (message.ErrorCode is { } code)
        {
            json.WriteNumber("error_code", code);
        }
        else
        {
            json.WriteNull("error_code");
        }

        WriteStringOrNull(json, "error_message", message.ErrorMessage);
        WriteStringOrNull(json, "from", message.From);
        WriteStringOrNull(json, "messaging_service_sid", message.MessagingServiceSid);
        json.WriteString("num_media", message.NumMedia.ToString(CultureInfo.InvariantCulture));
        json.WriteString("num_segments", message.NumSegments.ToString(CultureInfo.InvariantCulture));
        json.WriteNull("price");
        json.WriteNull("price_unit");
        json.WriteString("sid", message.Sid);
        json.WriteString("status", message.Status);
        json.WriteStartObject("subresource_uris");
        json.WriteString("media", $"/{ApiVersion}/Accounts/{message.AccountSid}/Messages/{message.Sid}/Media.json");
        json.WriteString("feedback", $"/{ApiVersion}/Accounts/{message.AccountSid}/Messages/{message.Sid}/Feedback.json");
        json.WriteEndObject();
        json.WriteString("to", message.To);
        json.WriteString("uri", MessageUri(message.AccountSid, message.Sid));
        json.WriteEndObject();
    }

    public static void WritePage(Utf8JsonWriter json, MessagePage page)
    {
        json.WriteStartObject();
        json.WriteNumber("end", page.Start + page.Messages.Count - 1);
        json.WriteString("first_page_uri", page.FirstPageUri);
        WriteStringOrNull(json, "next_page_uri", page.NextPageUri);
        json.WriteNumber("page", page.Page);
        json.WriteNumber("page_size", page.PageSize);
        WriteStringOrNull(json, "previous_page_uri", page.PreviousPageUri);
        json.WriteStartArray("messages");
        foreach (var message in page.Messages)
        {
            WriteMessage(json, message);
        }

        json.WriteEndArray();
        json.WriteNumber("start", page.Start);
        json.WriteString("uri", page.Uri);
        json.WriteEndObject();
    }

    public static void WriteError(Utf8JsonWriter json, TwilioError error, string? detail)
    {
        json.WriteStartObject();
        json.WriteNumber("code", error.Code);
        json.WriteString("message", error.Message);
        json.WriteString("more_info", error.MoreInfo);
        json.WriteNumber("status", error.Status);
        if (detail is not null)
        {
            json.WriteString("detail", detail);
        }

        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
