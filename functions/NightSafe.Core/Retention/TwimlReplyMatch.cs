using NightSafe.Core.Ports;

namespace NightSafe.Core.Retention;

/// <summary>
/// Which messages the hub answered a text with (as TwiML: the provider made them messages of their own and never told us
/// their ids) belong to an erased referral: those sent back to the texter from the number texted, soon after the text,
/// whose body names the referral's reference. A reply that names it carries its data (the reference, the town, the
/// concerns); one that does not (a question such as "Which town?") carries none of this referral's and is left.
/// </summary>
public static class TwimlReplyMatch
{
    /// <summary>
    /// How long after a text its replies are looked for. Twilio gives the webhook 15 s and sends the reply as soon as it
    /// has the answer, normally within seconds; a sender's queue backed up by a burst of alerts can hold it for minutes.
    /// A reply is matched by the reference it names, so a wider window cannot take another referral's reply: it only
    /// bounds the list read (one page of Twilio's list even for an officer texting all night).
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    /// <summary>True when <paramref name="sent"/> answered a text received at <paramref name="receivedAt"/> about <paramref name="reference"/>.</summary>
    public static bool IsReplyOf(SmsRecord sent, DateTimeOffset receivedAt, string reference)
    {
        ArgumentNullException.ThrowIfNull(sent);
        // Twilio dates to the second: a reply in the same second as the text may read as a moment before it.
        var within = sent.SentAt is not { } at || (at >= receivedAt.AddSeconds(-1) && at <= receivedAt + Window);
        return within && NamesReference(sent.Body, reference);
    }

    /// <summary>
    /// True when <paramref name="body"/> names <paramref name="reference"/> as a code of its own (not inside a longer run
    /// of letters and digits), in any case: the hub writes codes in capitals, officers may not.
    /// </summary>
    public static bool NamesReference(string? body, string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        if (string.IsNullOrEmpty(body))
        {
            return false;
        }

        for (var at = body.IndexOf(reference, StringComparison.OrdinalIgnoreCase); at >= 0; at = body.IndexOf(reference, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + reference.Length;
            if ((at == 0 || !char.IsAsciiLetterOrDigit(body[at - 1])) && (end == body.Length || !char.IsAsciiLetterOrDigit(body[end])))
            {
                return true;
            }
        }

        return false;
    }
}
