using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Core.World;

namespace NightSafe.Integrations.Tests.ServiceBus;

[Collection(ServiceBusEmulatorGroup.Name)]
public sealed class ServiceBusPartnerMessagePublisherTests(ServiceBusEmulatorFixture emulator) : ServiceBusAdapterTests(emulator)
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private IPartnerMessagePublisher Publisher => Provider.GetRequiredService<IPartnerMessagePublisher>();

    [Fact]
    public async Task Each_agency_receives_its_own_case_and_no_one_else_does()
    {
        var night = "2026-12-18";
        string[] agencies = ["street-pastors-chelmsford", "da-survivors-essex", "first-aid-essex"];
        var cases = agencies.Select(agency => new OutgoingCase(
            $"{night}/7KQ2MX/{agency}",
            AgencyId.From(agency),
            new TownId("chelmsford"),
            [new CategoryId("spiking"), new CategoryId("alone")],
            Priority.High,
            $$"""{"schemaVersion":1,"reference":"7KQ2MX","agency":"{{agency}}","location":"outside the Golden Fleece"}""",
            TraceParent)).ToList();
        var before = Counts("cases");

        await Publisher.PublishCasesAsync(cases, Ct);

        AssertOnlyThesePlusOne(before, Counts("cases"), agencies);
        foreach (var sent in cases)
        {
            var received = Assert.Single(await DrainAsync("cases", sent.AgencyId.Value));
            Assert.Equal(sent.MessageId, received.MessageId);
            Assert.Equal("application/json", received.ContentType);
            Assert.Equal("case", received.Subject);
            Assert.Equal(sent.Body, received.Body.ToString());
            Assert.Equal(sent.AgencyId.Value, received.ApplicationProperties["agency"]);
            Assert.Equal("chelmsford", received.ApplicationProperties["town"]);
            Assert.Equal("spiking,alone", received.ApplicationProperties["categories"]);
            Assert.Equal("high", received.ApplicationProperties["priority"]);
            Assert.Equal(1, received.ApplicationProperties["schemaVersion"]);
            Assert.Equal(TraceParent, received.ApplicationProperties["traceparent"]);
            Assert.Equal(TraceParent, received.ApplicationProperties["Diagnostic-Id"]);
        }
    }

    [Fact]
    public async Task A_retried_publish_is_absorbed_by_duplicate_detection()
    {
        var sent = new OutgoingCase("2026-12-19/ABC123/control-room", new AgencyId("control-room"), new TownId("basildon"), [new CategoryId("disorder")], Priority.Normal, "{\"reference\":\"ABC123\"}", null);
        var before = Counts("cases");

        await Publisher.PublishCasesAsync([sent], Ct);
        await Publisher.PublishCasesAsync([sent], Ct);

        AssertOnlyThesePlusOne(before, Counts("cases"), ["control-room"]);
        var received = Assert.Single(await DrainAsync("cases", "control-room"));
        Assert.False(received.ApplicationProperties.ContainsKey("traceparent"));
        Assert.Equal("normal", received.ApplicationProperties["priority"]);
    }

    [Fact]
    public async Task Cases_too_big_for_one_batch_go_in_several_and_all_arrive()
    {
        string[] agencies = ["community-safety-harlow", "street-pastors-harlow", "safe-space-southend", "perpetrator-change-essex"];
        var padding = new string('x', 100 * 1024);
        var cases = agencies.Select(agency => new OutgoingCase(
            $"2026-12-20/BIG001/{agency}", AgencyId.From(agency), new TownId("harlow"), [new CategoryId("alone")], Priority.Normal, $$"""{"padding":"{{padding}}"}""", null)).ToList();
        var before = Counts("cases");

        await Publisher.PublishCasesAsync(cases, Ct);

        AssertOnlyThesePlusOne(before, Counts("cases"), agencies);
        foreach (var agency in agencies)
        {
            Assert.Equal($"2026-12-20/BIG001/{agency}", Assert.Single(await DrainAsync("cases", agency)).MessageId);
        }
    }

    [Fact]
    public async Task A_case_larger_than_a_message_may_be_is_refused()
    {
        var huge = new OutgoingCase("2026-12-21/HUGE01/first-aid-essex", new AgencyId("first-aid-essex"), new TownId("grays"), [new CategoryId("injury")], Priority.High, new string('x', 300 * 1024), null);
        var before = Counts("cases");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Publisher.PublishCasesAsync([huge], Ct));

        Assert.Equal(before, Counts("cases"));
    }

    [Fact]
    public async Task Each_agency_receives_its_own_summary()
    {
        var summaries = new[]
        {
            new OutgoingSummary("2026-12-18/summary/street-pastors-colchester", "street-pastors-colchester", "2026-12-18", "{\"cases\":4}"),
            new OutgoingSummary("2026-12-18/summary/community-safety-colchester", "community-safety-colchester", "2026-12-18", "{\"cases\":1}"),
        };
        var before = Counts("summaries");

        await Publisher.PublishSummariesAsync(summaries, Ct);

        AssertOnlyThesePlusOne(before, Counts("summaries"), summaries.Select(s => s.AgencyId));
        foreach (var sent in summaries)
        {
            var received = Assert.Single(await DrainAsync("summaries", sent.AgencyId));
            Assert.Equal(sent.MessageId, received.MessageId);
            Assert.Equal("summary", received.Subject);
            Assert.Equal("application/json", received.ContentType);
            Assert.Equal(sent.Body, received.Body.ToString());
            Assert.Equal(sent.AgencyId, received.ApplicationProperties["agency"]);
            Assert.Equal("2026-12-18", received.ApplicationProperties["night"]);
            Assert.Equal(1, received.ApplicationProperties["schemaVersion"]);
        }
    }

    [Fact]
    public async Task Nothing_to_publish_sends_nothing()
    {
        var before = Counts("cases");

        await Publisher.PublishCasesAsync([], Ct);

        Assert.Equal(before, Counts("cases"));
    }

    private Dictionary<string, int> Counts(string topic) =>
        Emulator.AgencyIds.ToDictionary(id => id, id => Emulator.Server.GetMessageCount($"{topic}/subscriptions/{id}"), StringComparer.Ordinal);

    private static void AssertOnlyThesePlusOne(Dictionary<string, int> before, Dictionary<string, int> after, IEnumerable<string> agencies)
    {
        var expected = before.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var agency in agencies)
        {
            expected[agency]++;
        }

        Assert.Equal(expected, after);
    }

    private async Task<IReadOnlyList<ServiceBusReceivedMessage>> DrainAsync(string topic, string agency)
    {
        await using var receiver = Client.CreateReceiver(topic, agency, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.ReceiveAndDelete });
        var expected = Emulator.Server.GetMessageCount($"{topic}/subscriptions/{agency}");
        var received = new List<ServiceBusReceivedMessage>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            received.AddRange(await receiver.ReceiveMessagesAsync(expected - received.Count, TimeSpan.FromSeconds(2), Ct));
        }

        return received;
    }
}
