using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;

namespace NightSafe.Cli.Partners;

/// <summary>A case message as an agency took it off its own <c>cases</c> subscription.</summary>
/// <param name="Subscription">The agency whose subscription it came from.</param>
/// <param name="AgencyProperty">The message's <c>agency</c> application property (what the filter matched).</param>
/// <param name="Body">The JSON body: envelope plus the fields disclosed.</param>
/// <param name="ReceivedAt">When it arrived, on the receiver's monotonic clock.</param>
public sealed record ReceivedCase(
    string Subscription,
    string MessageId,
    string? AgencyProperty,
    int DeliveryCount,
    JsonObject Body,
    TimeSpan ReceivedAt)
{
    public string? Night => Body["night"]?.GetValue<string>();

    public string? Reference => Body["reference"]?.GetValue<string>();

    public string? BodyAgency => Body["agency"]?.GetValue<string>();

    /// <summary>The top-level keys of the body.</summary>
    public IReadOnlyList<string> Keys => [.. Body.Select(p => p.Key)];

    public static ReceivedCase From(string subscription, ServiceBusReceivedMessage message, TimeSpan receivedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        JsonObject body;
        try
        {
            body = JsonNode.Parse(message.Body.ToString()) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            body = [];
        }

        var agency = message.ApplicationProperties.TryGetValue("agency", out var value) ? value?.ToString() : null;
        return new ReceivedCase(subscription, message.MessageId, agency, message.DeliveryCount, body, receivedAt);
    }
}
