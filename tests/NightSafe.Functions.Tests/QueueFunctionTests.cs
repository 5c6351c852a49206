using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Functions.Hosting;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Routing;
using OpenTelemetry.Trace;

namespace NightSafe.Functions.Tests;

[Collection(LocalHubGroup.Name)]
public sealed class QueueFunctionTests(LocalHub hub)
{
    [Fact]
    public async Task A_valid_queued_referral_is_stored_and_an_invalid_one_is_recorded_as_rejected_not_retried()
    {
        var before = hub.Referrals().Count;
        var validId = Guid.NewGuid().ToString();
        var invalidId = Guid.NewGuid().ToString();

        await hub.Function<QueuedReferrals>().RunAsync("""{"town":"braintree","categories":["transport"],"referrer":"ambulance-cad"}""", validId, hub.Context());
        await hub.Function<QueuedReferrals>().RunAsync("""{"town":"braintree","categories":["transport"],"referrer":"ambulance-cad"}""", validId, hub.Context());
        // Completing normally is what stops the queue retrying it: no exception for an invalid message.
        await hub.Function<QueuedReferrals>().RunAsync("""{"town":"Narnia"}""", invalidId, hub.Context());

        Assert.Equal(before + 1, hub.Referrals().Count);
        var rejected = hub.Table("InboundMessages").Query<TableEntity>(e => e.PartitionKey == "queue" && e.RowKey == invalidId).Single();
        Assert.Equal("Rejected", rejected.GetString("State"));
        Assert.Contains("town", rejected.GetString("Reason"), StringComparison.Ordinal);
        Assert.Contains("categories", rejected.GetString("Reason"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_poison_routing_message_flags_the_referral_and_texts_every_duty_inspector()
    {
        var (_, accepted) = await hub.Function<ReferralsApi>().SubmitAsync(
            new Doubles.TestHttpRequestData(hub.Context(), "POST", new Uri("http://127.0.0.1/api/referrals"), """{"town":"colchester","categories":["disorder"]}""", "application/json"),
            hub.Context()).ReadAsync();
        var created = System.Text.Json.JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;

        await hub.Function<RoutingPoison>().RunAsync($$"""{"night":"{{night}}","reference":"{{reference}}"}""", "poison-1", hub.Context());
        await hub.SendQueuedSmsAsync();

        var referral = hub.Referrals().Single(r => r.RowKey == "R|" + reference);
        Assert.Equal("NeedsManualRouting", referral.GetString("Status"));
        Assert.True(referral.GetBoolean("Flagged"));
        var inspectors = hub.World.DutyInspectors.Select(i => i.Phone).ToHashSet();
        var alerts = await hub.Twilio.WaitForAsync(ms => inspectors.All(p => ms.Any(m => m.To == p && m.Body.Contains(reference, StringComparison.Ordinal))), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.All(inspectors, p => Assert.Contains(alerts, m => m.To == p && m.Body.Contains("ALERT", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_poisoned_intake_message_is_recorded_as_rejected_and_the_inspectors_are_alerted()
    {
        var id = Guid.NewGuid().ToString();

        await hub.Function<QueuedReferralsPoison>().RunAsync("""{"town":"braintree","categories":["transport"],"description":"a name"}""", id, hub.Context());
        await hub.SendQueuedSmsAsync();

        var rejected = hub.Table("InboundMessages").Query<TableEntity>(e => e.PartitionKey == "queue-poison" && e.RowKey == id).Single();
        Assert.Equal("Rejected", rejected.GetString("State"));
        Assert.Contains("every retry", rejected.GetString("Reason"), StringComparison.Ordinal);
        Assert.DoesNotContain(rejected.Keys, k => k is "Body" or "Message");
        var inspectors = hub.World.DutyInspectors.Select(i => i.Phone).ToHashSet();
        Assert.All(inspectors, p => Assert.Single(hub.Twilio.Messages, m => m.To == p && m.Body.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_number_whose_send_is_taken_and_then_answered_500_gets_exactly_one_message()
    {
        // The stand-in's +447700900995 accepts a message and then answers 500, as a Twilio that lost its answer.
        const string person = "+447700900995";
        var (_, accepted) = await hub.Function<ReferralsApi>().SubmitAsync(
            new Doubles.TestHttpRequestData(hub.Context(), "POST", new Uri("http://127.0.0.1/api/referrals"), """{"town":"colchester","categories":["intoxicated"],"subjectPhone":"07700 900995","consent":"given"}""", "application/json"),
            hub.Context()).ReadAsync();
        var created = System.Text.Json.JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        var routing = hub.Queue(Core.Ports.QueueNames.Routing);
        var item = (await routing.ReceiveMessagesAsync(32)).Value.Single(m => m.MessageText.Contains(reference, StringComparison.Ordinal));
        await hub.FreshRouting().RunAsync(item.MessageText, item.DequeueCount, hub.Context());
        await routing.DeleteMessageAsync(item.MessageId, item.PopReceipt);
        Assert.Single(hub.Twilio.Messages, m => m.To == person);

        // Routing sent the advice and got the 500: uncertain, so it queued the advice, whose attempt reconciled
        // instead of sending again.
        var failures = await hub.SendQueuedSmsAsync();

        Assert.Equal(0, failures);
        Assert.Single(hub.Twilio.Messages, m => m.To == person);
        var referral = hub.Referrals().Single(r => r.RowKey == "R|" + reference);
        Assert.Equal("Sent", referral.GetString("Advice"));
        Assert.Equal(hub.Twilio.Messages.Single(m => m.To == person).Sid, referral.GetString("AdviceMessageId"));
        Assert.Equal("Routed", referral.GetString("Status"));
        Assert.NotNull(night);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/", true)]
    public void Telemetry_export_is_wired_only_when_a_connection_string_is_set(string? connectionString, bool wired)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [Telemetry.ConnectionStringSetting] = connectionString }).Build();
        var services = new ServiceCollection();

        services.AddNightSafeTelemetry(configuration);

        Assert.Equal(wired, services.Any(s => s.ServiceType == typeof(TracerProvider)));
    }
}
