using System.Globalization;

namespace NightSafe.TwilioStandIn;

/// <summary>The form of a status callback (delivery report) as Twilio posts it for a message at its current status.</summary>
public static class StatusCallbacks
{
    /// <summary>The callback's fields for <paramref name="message"/> as it stands (its Status is the one reported).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Form(SentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var form = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", message.AccountSid),
            new("ApiVersion", TwilioJson.ApiVersion),
            new("From", message.From ?? string.Empty),
            new("MessageSid", message.Sid),
            new("MessageStatus", message.Status),
            new("SmsSid", message.Sid),
            new("SmsStatus", message.Status),
            new("To", message.To),
        };
        if (message.MessagingServiceSid is { } service)
        {
            form.Add(new("MessagingServiceSid", service));
        }

        if (message.ErrorCode is { } code)
        {
            form.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
        }

        return form;
    }
}
