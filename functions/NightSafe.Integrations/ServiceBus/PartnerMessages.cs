using NightSafe.Core.World;
using Azure.Messaging.ServiceBus;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.ServiceBus;

/// <summary>The Service Bus messages partner agencies receive: what a subscription's filter reads, and the body.</summary>
public static class PartnerMessages
{
    public const string CasesTopic = "cases";
    public const string SummariesTopic = "summaries";

    /// <summary>The version of the bodies' JSON; a partner checks it before reading.</summary>
    public const int SchemaVersion = 1;

    public const string ContentType = "application/json";
    public const string CaseSubject = "case";
    public const string SummarySubject = "summary";

    // Application property names: each agency's subscription filters on "agency".
    public const string Agency = "agency";
    public const string Town = "town";
    public const string Categories = "categories";
    public const string Priority = "priority";
    public const string Night = "night";
    public const string Schema = "schemaVersion";
    public const string TraceParent = "traceparent";

    /// <summary>The name the Service Bus SDK and Application Insights read a message's trace context from.</summary>
    public const string DiagnosticId = "Diagnostic-Id";

    public static ServiceBusMessage ForCase(OutgoingCase outgoing)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var message = new ServiceBusMessage(BinaryData.FromString(outgoing.Body))
        {
            MessageId = outgoing.MessageId,
            ContentType = ContentType,
            Subject = outgoing.Subject,
        };
        message.ApplicationProperties[Agency] = outgoing.AgencyId.Value;
        // Only what the agency's shares allow (Core leaves the rest null): properties are as readable as the body.
        if (outgoing.TownId is { } town)
        {
            message.ApplicationProperties[Town] = town.Value;
        }

        if (outgoing.Categories is { } categories)
        {
            message.ApplicationProperties[Categories] = string.Join(',', categories.Values());
        }

        if (outgoing.Priority is { } priority)
        {
            message.ApplicationProperties[Priority] = priority.ToString().ToLowerInvariant();
        }

        message.ApplicationProperties[Schema] = SchemaVersion;
        AddTrace(message, outgoing.TraceParent);
        return message;
    }

    public static ServiceBusMessage ForSummary(OutgoingSummary outgoing)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        var message = new ServiceBusMessage(BinaryData.FromString(outgoing.Body))
        {
            MessageId = outgoing.MessageId,
            ContentType = ContentType,
            Subject = SummarySubject,
        };
        message.ApplicationProperties[Agency] = outgoing.AgencyId;
        message.ApplicationProperties[Night] = outgoing.Night;
        message.ApplicationProperties[Schema] = SchemaVersion;
        return message;
    }

    private static void AddTrace(ServiceBusMessage message, string? traceParent)
    {
        if (string.IsNullOrEmpty(traceParent))
        {
            return;
        }

        message.ApplicationProperties[TraceParent] = traceParent;
        message.ApplicationProperties[DiagnosticId] = traceParent;
    }
}
