using System.Xml;
using System.Xml.Linq;

namespace NightSafe.TwilioStandIn;

/// <summary>One &lt;Message&gt; of a TwiML MessagingResponse: its body and, when the verb names them, its own numbers.</summary>
public sealed record TwimlMessage(string Body, string? To, string? From);

/// <summary>
/// Reads a messaging webhook's answer as Twilio does: a <c>&lt;Response&gt;</c> whose <c>&lt;Message&gt;</c> verbs each
/// become an outbound message (the body is the verb's text, or its <c>&lt;Body&gt;</c> noun). Anything else (an empty
/// answer, no Response, not XML) sends nothing.
/// </summary>
public static class TwimlReplies
{
    public static IReadOnlyList<TwimlMessage> Parse(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return [];
        }

        XDocument document;
        try
        {
            document = XDocument.Parse(answer);
        }
        catch (XmlException)
        {
            return [];
        }

        if (document.Root is not { Name.LocalName: "Response" } response)
        {
            return [];
        }

        var messages = new List<TwimlMessage>();
        foreach (var verb in response.Elements().Where(e => e.Name.LocalName == "Message"))
        {
            var body = verb.Elements().FirstOrDefault(e => e.Name.LocalName == "Body")?.Value
                ?? string.Concat(verb.Nodes().OfType<XText>().Select(t => t.Value));
            if (body.Length > 0)
            {
                messages.Add(new TwimlMessage(body, Blank(verb.Attribute("to")?.Value), Blank(verb.Attribute("from")?.Value)));
            }
        }

        return messages;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
