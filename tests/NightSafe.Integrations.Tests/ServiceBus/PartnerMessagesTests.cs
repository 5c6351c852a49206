using NightSafe.Core.Ports;
using NightSafe.Core.World;
using NightSafe.Integrations.ServiceBus;

namespace NightSafe.Integrations.Tests.ServiceBus;

public sealed class PartnerMessagesTests
{
    [Fact]
    public void A_case_message_carries_what_the_agency_filter_and_the_partner_read()
    {
        var outgoing = new OutgoingCase(
            "2026-12-18/7KQ2MX/da-survivors-essex", new AgencyId("da-survivors-essex"), new TownId("southend"), [new CategoryId("domestic-abuse")], Priority.High,
            "{\"reference\":\"7KQ2MX\"}", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        var message = PartnerMessages.ForCase(outgoing);

        Assert.Equal(outgoing.MessageId, message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal("case", message.Subject);
        Assert.Equal(outgoing.Body, message.Body.ToString());
        Assert.Equal(
            new Dictionary<string, object>
            {
                ["agency"] = "da-survivors-essex",
                ["town"] = "southend",
                ["categories"] = "domestic-abuse",
                ["priority"] = "high",
                ["schemaVersion"] = 1,
                ["traceparent"] = outgoing.TraceParent!,
                ["Diagnostic-Id"] = outgoing.TraceParent!,
            },
            message.ApplicationProperties);
    }

    [Fact]
    public void A_case_without_trace_context_carries_none()
    {
        var message = PartnerMessages.ForCase(new OutgoingCase("m", new AgencyId("a"), new TownId("t"), [new CategoryId("alone"), new CategoryId("transport")], Priority.Normal, "{}", null));

        Assert.False(message.ApplicationProperties.ContainsKey("traceparent"));
        Assert.False(message.ApplicationProperties.ContainsKey("Diagnostic-Id"));
        Assert.Equal("alone,transport", message.ApplicationProperties["categories"]);
    }

    [Fact]
    public void A_property_the_agency_does_not_share_is_not_on_the_message()
    {
        var message = PartnerMessages.ForCase(new OutgoingCase("m", new AgencyId("perpetrator-change-essex"), null, [new CategoryId("perpetrator")], null, "{}", null));

        Assert.Equal(["agency", "categories", "schemaVersion"], message.ApplicationProperties.Keys.Order(StringComparer.Ordinal));
    }
}
