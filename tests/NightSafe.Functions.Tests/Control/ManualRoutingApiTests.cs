using System.Net;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Core.Routing;
using NightSafe.Functions.Control;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Control;

[Collection(LocalHubGroup.Name)]
public sealed class ManualRoutingApiTests(LocalHub hub)
{
    // Offline the control room is its key; in Azure the principal App Service Authentication signed in.
    private const string Actor = "control-room:control-room key";

    [Fact]
    public async Task Without_the_control_rooms_key_a_referral_is_not_routed_by_hand()
    {
        var (night, reference) = await SubmitAsync();
        await hub.Services.GetRequiredService<ManualRouting>().HandleAsync(new RoutingWorkItem(night, reference, null), "poison-1", CancellationToken.None);
        var request = new TestHttpRequestData(hub.Context(), "POST", new Uri($"http://127.0.0.1/api/control/referrals/{night}/{reference}/route"), JsonSerializer.Serialize(new { agencies = new[] { "safe-space-chelmsford" } }), "application/json");
        request.Headers.Add(ControlRoomIdentity.KeyHeader, hub.ControlRoomKey + "x");

        var (status, _) = await hub.Function<ManualRoutingApi>().RouteAsync(request, night, reference, hub.Context()).ReadAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("NeedsManualRouting", Referral(reference).GetString("Status"));
    }

    [Fact]
    public async Task A_flagged_referral_routed_by_hand_reaches_each_chosen_agency_minimised_and_the_trail_names_who_routed_it()
    {
        var (night, reference) = await SubmitAsync();
        await hub.Services.GetRequiredService<ManualRouting>().HandleAsync(new RoutingWorkItem(night, reference, null), "poison-1", CancellationToken.None);
        Assert.Equal("NeedsManualRouting", Referral(reference).GetString("Status"));

        var (status, body) = await RouteAsync(night, reference, "safe-space-chelmsford", "perpetrator-change-essex");
        var (again, _) = await RouteAsync(night, reference, "safe-space-chelmsford");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["safe-space-chelmsford", "perpetrator-change-essex"], JsonDocument.Parse(body).RootElement.GetProperty("agencies").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Equal("Routed", Referral(reference).GetString("Status"));

        await using var client = new ServiceBusClient(hub.ServiceBusConnectionString);
        foreach (var agency in new[] { "safe-space-chelmsford", "perpetrator-change-essex" })
        {
            await using var receiver = client.CreateReceiver("cases", agency);
            var message = await ReceiveAsync(receiver, $"{night}/{reference}/{agency}");
            var fields = JsonDocument.Parse(message.Body.ToString()).RootElement.EnumerateObject().Select(p => p.Name).ToList();
            var allowed = CaseFields.For(hub.World.AgencyNamed(agency)!, Core.Intake.Parsing.Consent.Given).Concat(CaseMessage.EnvelopeKeys);
            Assert.All(fields, f => Assert.Contains(f, allowed));
        }

        var perpetrator = await PeekBodyAsync(client, "perpetrator-change-essex", $"{night}/{reference}/perpetrator-change-essex");
        Assert.DoesNotContain("subjectPhone", perpetrator, StringComparison.Ordinal);
        Assert.DoesNotContain("Moulsham", perpetrator, StringComparison.Ordinal);

        var events = hub.Events(night, reference);
        var disclosed = events.Where(e => e.GetString("Kind") == "disclosed").ToList();
        Assert.Equal(2, disclosed.Count);
        Assert.All(disclosed, e => Assert.Equal(Actor, e.GetString("Actor")));
        Assert.Contains(events, e => e.GetString("Kind") == "routed" && e.GetString("Actor") == Actor);
    }

    [Fact]
    public async Task A_referral_that_does_not_need_manual_routing_or_an_unknown_agency_is_refused()
    {
        var (night, reference) = await SubmitAsync();

        var (notFlagged, _) = await RouteAsync(night, reference, "safe-space-chelmsford");
        var (unknown, problem) = await RouteAsync(night, reference, "ghostbusters");
        var (missing, _) = await RouteAsync(night, "ZZZZZZ", "safe-space-chelmsford");

        Assert.Equal(HttpStatusCode.Conflict, notFlagged);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Contains("ghostbusters", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.DoesNotContain(hub.Events(night, reference), e => e.GetString("Kind") == "disclosed");
    }

    private async Task<(string Night, string Reference)> SubmitAsync()
    {
        var (_, accepted) = await hub.Function<ReferralsApi>().SubmitAsync(
            new TestHttpRequestData(hub.Context(), "POST", new Uri("http://127.0.0.1/api/referrals"), """{"town":"chelmsford","categories":["domestic-abuse"],"subjectPhone":"07700 900457","consent":"given","location":"Moulsham St","referrer":"cad"}""", "application/json"),
            hub.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        return (created.GetProperty("night").GetString()!, created.GetProperty("reference").GetString()!);
    }

    private Task<(HttpStatusCode Status, string Body)> RouteAsync(string night, string reference, params string[] agencies)
    {
        var request = new TestHttpRequestData(hub.Context(), "POST", new Uri($"http://127.0.0.1/api/control/referrals/{night}/{reference}/route"), JsonSerializer.Serialize(new { agencies }), "application/json");
        request.Headers.Add(ControlRoomIdentity.KeyHeader, hub.ControlRoomKey);
        return hub.Function<ManualRoutingApi>().RouteAsync(request, night, reference, hub.Context()).ReadAsync();
    }

    private Azure.Data.Tables.TableEntity Referral(string reference) => hub.Referrals().Single(r => r.RowKey == "R|" + reference);

    private static async Task<ServiceBusReceivedMessage> ReceiveAsync(ServiceBusReceiver receiver, string messageId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2));
            if (message?.MessageId == messageId)
            {
                // Left on the subscription (abandoned) so the test can peek it again.
                await receiver.AbandonMessageAsync(message);
                return message;
            }

            if (message is not null)
            {
                await receiver.CompleteMessageAsync(message);
            }
        }

        throw new TimeoutException($"No message {messageId} on {receiver.EntityPath} within 20 s.");
    }

    private static async Task<string> PeekBodyAsync(ServiceBusClient client, string agency, string messageId)
    {
        await using var receiver = client.CreateReceiver("cases", agency);
        var peeked = await receiver.PeekMessagesAsync(100);
        return peeked.Single(m => m.MessageId == messageId).Body.ToString();
    }
}
