using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;
using NightSafe.Core.World;
using NightSafe.TwilioStandIn;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The hub with every acknowledgement deadline at a few seconds, so reminders and escalations happen within a test.</summary>
public sealed class ShortDeadlineHubFixture : HubFixture
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(6);

    public override TimeSpan? AcknowledgeWithin => Deadline;
}

/// <summary>
/// Issue 9 through the real offline stack: case alerts reach the agencies' duty phones in the Twilio stand-in, a signed
/// reply from a duty phone records the acceptance, an unanswered case escalates to the control room and its town's duty
/// inspector at its deadline, an officer's CLOSE reaches every agency that had the case as <c>case-closed</c>, and an
/// urgent referral texts its inspector once. Each test makes its own referral and looks only at what names it.
/// </summary>
public sealed class PartnerLoopTests(ShortDeadlineHubFixture fixture, ITestOutputHelper output) : IClassFixture<ShortDeadlineHubFixture>
{
    private const string PastorsChelmsford = "street-pastors-chelmsford";
    private const string ControlRoom = "control-room";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private OfflineHub Hub => fixture.Hub;

    private RoutingWorld World => Hub.World;

    private string Night => Hub.Night.ToString();

    [Fact]
    public async Task A_case_alert_reaches_each_duty_phone_of_the_agencies_it_was_routed_to_in_its_shares_only()
    {
        try
        {
            var reference = await ReferAsync("+447700900001", "Chelmsford drunk female outside Bar 9, 07700 900123, consent y");
            var routed = await RoutedAsync(reference);

            foreach (var @case in routed.Cases)
            {
                var agency = World.FindAgency(AgencyId.From(@case.Agency))!;
                foreach (var phone in agency.DutyPhones)
                {
                    var alert = await SmsAsync(phone, m => m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal), $"the case alert to {agency.Id}");
                    Assert.EndsWith($"Reply ACC {reference} or DEC {reference}", alert.Body, StringComparison.Ordinal);
                    Assert.Equal(SmsEncoding.Gsm7, alert.Encoding);
                    Assert.InRange(alert.NumSegments, 1, 2);
                    // The subject's number is never in an SMS alert, whatever the agency may see.
                    Assert.DoesNotContain("900123", alert.Body, StringComparison.Ordinal);
                    Assert.Contains("Chelmsford", alert.Body, StringComparison.Ordinal);
                }
            }

            // The pastors' alert carries their shares (the location); an agency never gets another's.
            var pastors = Assert.Single(Hub.Twilio.Messages, m => m.To == World.FindAgency(AgencyId.From(PastorsChelmsford))!.Phone && m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal));
            Assert.Contains("Bar 9", pastors.Body, StringComparison.Ordinal);
            var notRouted = World.Agencies.Where(a => routed.Cases.All(c => c.Agency != a.Id.Value)).SelectMany(a => a.DutyPhones).ToHashSet(StringComparer.Ordinal);
            Assert.DoesNotContain(Hub.Twilio.Messages, m => notRouted.Contains(m.To) && m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal));
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task A_signed_ACC_from_the_duty_phone_records_the_acceptance_in_the_dossier_and_its_trail()
    {
        try
        {
            var reference = await ReferAsync("+447700900002", "Chelmsford alone outside Bar 9, lost her friends, consent n");
            var phone = World.FindAgency(AgencyId.From(PastorsChelmsford))!.Phone;
            await SmsAsync(phone, m => m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal), "the pastors' case alert");

            var reply = await Texts().TextAsync(phone, $"acc {reference}", CancellationToken.None);

            Assert.Equal($"NightSafe {reference} accepted by Chelmsford Street Pastors. Thank you. Reply ATT {reference} when with them, DONE {reference} when finished.", reply.Message);
            var dossier = await DossierAsync(reference);
            var pastors = Cases(dossier).Single(c => c["agency"]!.GetValue<string>() == PastorsChelmsford);
            Assert.Equal("Accepted", pastors["status"]!.GetValue<string>());
            Assert.NotNull(pastors["acceptedAt"]?.GetValue<DateTimeOffset>());
            Assert.Contains(Trail(dossier), e => Kind(e) == "outcome" && Data(e, "agency") == PastorsChelmsford && Data(e, "status") == "accepted" && Actor(e).StartsWith("partner:" + PastorsChelmsford, StringComparison.Ordinal));

            // Another agency's duty phone cannot answer a case that is not its own.
            var stranger = World.FindAgency(new AgencyId("street-pastors-colchester"))!.Phone;
            var refused = await Texts().TextAsync(stranger, $"ACC {reference}", CancellationToken.None);
            Assert.StartsWith($"NightSafe: {reference} is not one of your cases", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Cases(await DossierAsync(reference)), c => c["agency"]!.GetValue<string>() == "street-pastors-colchester");
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task An_unanswered_case_is_reminded_then_escalated_at_its_deadlines_to_the_control_room_and_only_the_towns_inspector()
    {
        try
        {
            var deadline = ShortDeadlineHubFixture.Deadline;
            var reference = await ReferAsync("+447700900003", "Colchester drunk male outside the station, consent n");
            var routed = await RoutedAsync(reference);
            var agencies = routed.Cases.Select(c => c.Agency).ToList();
            Assert.DoesNotContain(ControlRoom, agencies);
            var north = World.DutyInspectors.Single(i => i.Towns.Contains(new TownId("colchester")));

            var escalation = await SmsAsync(north.Phone, m => m.Body.StartsWith($"NightSafe ESCALATED {reference} ", StringComparison.Ordinal), "the North inspector's escalation SMS");
            var controlRoomAlert = await SmsAsync(World.FallbackAgency.Phone, m => m.Body.StartsWith($"NightSafe ESCALATED {reference}", StringComparison.Ordinal), "the control room's escalated case alert");
            var first = agencies[0];
            await SmsAsync(World.FindAgency(AgencyId.From(first))!.Phone, m => m.Body.StartsWith($"NightSafe REMINDER {reference} ", StringComparison.Ordinal), "the reminder to " + first);
            var onBus = await ReceiveAsync(ControlRoom, $"{Night}/{reference}/{ControlRoom}", "the escalated case on the control room's subscription");

            Assert.Contains("not accepted by", escalation.Body, StringComparison.Ordinal);
            Assert.Contains("Sent to the control room", escalation.Body, StringComparison.Ordinal);
            Assert.Equal("case", onBus.Subject);
            Assert.Equal(ControlRoom, onBus.ApplicationProperties["agency"]);
            // Only the inspector whose area holds the town hears of it.
            foreach (var other in World.DutyInspectors.Where(i => i.Phone != north.Phone))
            {
                Assert.DoesNotContain(Hub.Twilio.Messages, m => m.To == other.Phone && m.Body.Contains(reference, StringComparison.Ordinal));
            }

            var dossier = await WaitForDossierAsync(reference, d => Cases(d).Any(c => c["agency"]!.GetValue<string>() == ControlRoom) && Trail(d).Count(e => Kind(e) == "escalated") >= agencies.Count, "every case escalated");
            var disclosedAt = Cases(dossier).Where(c => agencies.Contains(c["agency"]!.GetValue<string>())).ToDictionary(c => c["agency"]!.GetValue<string>(), c => c["disclosedAt"]!.GetValue<DateTimeOffset>());
            foreach (var agency in agencies)
            {
                var reminded = Trail(dossier).Single(e => Kind(e) == "reminded" && Data(e, "agency") == agency);
                var escalated = Trail(dossier).Single(e => Kind(e) == "escalated" && Data(e, "agency") == agency);
                var at = disclosedAt[agency];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{agency}: reminded after {(When(reminded) - at).TotalSeconds:0.0} s, escalated after {(When(escalated) - at).TotalSeconds:0.0} s (deadline {deadline.TotalSeconds:0} s)."));
                Assert.True(When(reminded) >= at + deadline, $"{agency} was reminded before its first deadline.");
                Assert.True(When(escalated) >= at + (deadline * 2), $"{agency} was escalated before its second deadline.");
                Assert.True(When(escalated) <= at + (deadline * 2) + TimeSpan.FromSeconds(30), $"{agency} was escalated long after its second deadline.");
                Assert.Equal("not-accepted", Data(escalated, "status"));
            }

            // Agencies on Service Bus hear of the reminder on their own subscription too, with the escalation deadline.
            var onServiceBus = agencies.Where(a => World.FindAgency(AgencyId.From(a))!.UsesServiceBus).ToList();
            Assert.NotEmpty(onServiceBus);
            foreach (var agency in onServiceBus)
            {
                var reminder = await ReceiveAsync(agency, $"{Night}/{reference}/{agency}/reminder", "the case-reminder on " + agency + "'s subscription");
                Assert.Equal("case-reminder", reminder.Subject);
                Assert.Equal(agency, reminder.ApplicationProperties["agency"]);
                Assert.False(reminder.ApplicationProperties.ContainsKey("town"), "a reminder carries only the agency property");
                var body = JsonNode.Parse(reminder.Body.ToString())!.AsObject();
                Assert.Equal(reference, body["reference"]!.GetValue<string>());
                var escalatesAt = body["escalatesAt"]!.GetValue<DateTimeOffset>();
                Assert.InRange(escalatesAt, disclosedAt[agency] + (deadline * 2) - TimeSpan.FromSeconds(1), disclosedAt[agency] + (deadline * 2));
            }

            // One escalation text to the inspector however many of the referral's cases escalated.
            Assert.Single(Hub.Twilio.Messages, m => m.To == north.Phone && m.Body.StartsWith($"NightSafe ESCALATED {reference} ", StringComparison.Ordinal));
            Assert.Single(Hub.Twilio.Messages, m => m.To == World.FallbackAgency.Phone && m.Body.StartsWith($"NightSafe ESCALATED {reference}", StringComparison.Ordinal));
            Assert.Contains("not accepted by", controlRoomAlert.Body, StringComparison.Ordinal);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task An_officers_CLOSE_reaches_every_agency_that_had_the_case_as_case_closed_and_texts_the_phone_that_had_accepted()
    {
        try
        {
            const string officer = "+447700900004";
            var reference = await ReferAsync(officer, "Chelmsford spiked outside Bar 9, female 20s, consent n");
            var routed = await RoutedAsync(reference);
            Assert.True(routed.Cases.Count >= 2, "the test needs a referral routed to more than one agency");
            var accepter = World.FindAgency(AgencyId.From(PastorsChelmsford))!;
            await SmsAsync(accepter.Phone, m => m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal), "the pastors' case alert");
            var accepted = await Texts().TextAsync(accepter.Phone, $"ACC {reference}", CancellationToken.None);
            Assert.StartsWith($"NightSafe {reference} accepted", accepted.Message, StringComparison.Ordinal);

            var closed = await Texts().TextAsync(officer, $"CLOSE {reference} taken home by friends", CancellationToken.None);

            Assert.Equal(OfficerReplies.Closed(Core.References.ReferenceCode.Parse(reference)), closed.Message);
            foreach (var @case in routed.Cases)
            {
                var message = await ReceiveAsync(@case.Agency, $"{Night}/{reference}/{@case.Agency}/closed", $"case-closed on {@case.Agency}");
                Assert.Equal("case-closed", message.Subject);
                Assert.Equal(@case.Agency, message.ApplicationProperties["agency"]);
                var body = JsonNode.Parse(message.Body.ToString())!.AsObject();
                Assert.Equal("case-closed", body["type"]!.GetValue<string>());
                Assert.Equal(reference, body["reference"]!.GetValue<string>());
                Assert.Equal("officer", body["closedBy"]!.GetValue<string>());
                Assert.Null(body["location"]);
            }

            var cancelled = await SmsAsync(accepter.Phone, m => m.Body.StartsWith($"NightSafe {reference} is CLOSED", StringComparison.Ordinal), "the cancellation SMS to the pastors");
            Assert.Contains("No need to attend", cancelled.Body, StringComparison.Ordinal);
            var dossier = await WaitForDossierAsync(reference, d => Trail(d).Count(e => Kind(e) == "cancelled") == routed.Cases.Count, "a cancelled event per agency");
            Assert.Equal(routed.Cases.Select(c => c.Agency).Order(StringComparer.Ordinal), Trail(dossier).Where(e => Kind(e) == "cancelled").Select(e => Data(e, "agency")).Order(StringComparer.Ordinal));
            // Agencies that had not accepted learn it from the case-closed message, not by a text.
            foreach (var other in routed.Cases.Where(c => c.Agency != PastorsChelmsford))
            {
                Assert.DoesNotContain(Hub.Twilio.Messages, m => m.To == World.FindAgency(AgencyId.From(other.Agency))!.Phone && m.Body.Contains("CLOSED", StringComparison.Ordinal) && m.Body.Contains(reference, StringComparison.Ordinal));
            }
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task An_urgent_referral_texts_its_towns_inspector_exactly_once_also_when_routing_runs_again()
    {
        try
        {
            var reference = await ReferAsync("+447700900009", "Basildon spiked and injured outside the Towngate, consent n");
            var routed = await RoutedAsync(reference);
            var south = World.DutyInspectors.Single(i => i.Towns.Contains(new TownId("basildon")));
            var urgent = await SmsAsync(south.Phone, m => m.Body.StartsWith($"NightSafe URGENT {reference}:", StringComparison.Ordinal), "the urgent SMS to the South inspector");

            // A redelivered routing message (as after a crash) runs the whole routing step again.
            var run = await Hub.Functions.RunFunctionAsync("RouteReferral", $$"""{"night":"{{Night}}","reference":"{{reference}}"}""");
            Assert.True(run.Succeeded, run.Error);
            // Wait for the escalation text, which comes well after anything routing queued (its deadline is later).
            await SmsAsync(south.Phone, m => m.Body.StartsWith($"NightSafe ESCALATED {reference} ", StringComparison.Ordinal), "the South inspector's escalation SMS");

            Assert.Equal("urgent", (await DossierAsync(reference))["priority"]!.GetValue<string>());
            Assert.Contains("Basildon", urgent.Body, StringComparison.Ordinal);
            Assert.Single(Hub.Twilio.Messages, m => m.To == south.Phone && m.Body.StartsWith($"NightSafe URGENT {reference}:", StringComparison.Ordinal));
            foreach (var other in World.DutyInspectors.Where(i => i.Phone != south.Phone))
            {
                Assert.DoesNotContain(Hub.Twilio.Messages, m => m.To == other.Phone && m.Body.Contains(reference, StringComparison.Ordinal));
            }

            // The routing retry sent no second alert to any duty phone either.
            foreach (var @case in routed.Cases)
            {
                Assert.Single(Hub.Twilio.Messages, m => m.To == World.FindAgency(AgencyId.From(@case.Agency))!.Phone && m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal));
            }
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }

    [Fact]
    public async Task Nightsafe_text_from_a_partner_duty_phone_or_its_agency_id_answers_a_case_and_prints_the_reply()
    {
        var state = Path.Combine(Path.GetTempPath(), "nightsafe-" + Guid.NewGuid().ToString("N"), "stack.json");
        try
        {
            await StackStateFile.WriteAsync(state, Hub.State(Environment.ProcessId), CancellationToken.None);
            var reference = await ReferAsync("+447700900005", "Harlow drunk male outside the Water Gardens, consent n");
            var routed = await RoutedAsync(reference);
            var agency = World.FindAgency(AgencyId.From(routed.Cases[0].Agency))!;
            var national = "0" + agency.Phone["+44".Length..];

            var (accepted, acceptOut, acceptError) = await InProcessCli.RunAsync("text", $"ACC {reference}", "--from", $"{national[..5]} {national[5..]}", "--state", state);
            var (attended, attendOut, _) = await InProcessCli.RunAsync("text", $"att {reference}", "--from", agency.Id.Value, "--state", state);
            var (refused, _, refusedError) = await InProcessCli.RunAsync("text", $"ACC {reference}", "--from", "no-such-agency", "--state", state);

            Assert.True(accepted == 0, acceptError);
            Assert.Contains($"Texting as the duty phone of {agency.Name} ({agency.Id}).", acceptOut, StringComparison.Ordinal);
            Assert.Contains($"NightSafe {reference} accepted by {agency.Name}.", acceptOut, StringComparison.Ordinal);
            Assert.Equal(0, attended);
            Assert.Contains($"NightSafe {reference}: attended, noted.", attendOut, StringComparison.Ordinal);
            Assert.Equal(2, refused);
            Assert.Contains("--from must be a phone number", refusedError, StringComparison.Ordinal);
            var dossier = await DossierAsync(reference);
            Assert.Equal("Attended", Cases(dossier).Single(c => c["agency"]!.GetValue<string>() == agency.Id.Value)["status"]!.GetValue<string>());
            Assert.Equal(["accepted", "attended"], Trail(dossier).Where(e => Kind(e) == "outcome" && Data(e, "agency") == agency.Id.Value).Select(e => Data(e, "status")!));
            // Through the stack's Twilio stand-in, as through Twilio: it holds both texts and both TwiML replies.
            Assert.Contains(Hub.Twilio.Messages, m => m.Direction == MessageDirection.Inbound && m.From == agency.Phone && m.Body == $"ACC {reference}");
            Assert.Contains(Hub.Twilio.Messages, m => m.Direction == MessageDirection.Inbound && m.From == agency.Phone && m.Body == $"att {reference}");
            Assert.Contains(Hub.Twilio.Messages, m => m.Direction == MessageDirection.OutboundReply && m.To == agency.Phone && m.Body.StartsWith($"NightSafe {reference} accepted by {agency.Name}.", StringComparison.Ordinal));
            Assert.Contains(Hub.Twilio.Messages, m => m.Direction == MessageDirection.OutboundReply && m.To == agency.Phone && m.Body.StartsWith($"NightSafe {reference}: attended, noted.", StringComparison.Ordinal));
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(state)!, recursive: true);
        }
    }

    private OfficerPhone Texts() => new(fixture.Http, Hub.Functions.BaseUrl, Hub.PublicBaseUrl, Hub.Twilio.AccountSid, Hub.Twilio.AuthToken, OfflineHub.HubNumber);

    private HubApi Api() => new(fixture.Http, Hub.Functions.BaseUrl, Hub.ControlRoomKey, Hub.Functions.MasterKey);

    /// <summary>Texts a referral, asking again while the roster is still being seeded; returns its reference.</summary>
    private async Task<string> ReferAsync(string officer, string body)
    {
        var reply = await Eventually.ValueAsync(
            async () => await Texts().TextAsync(officer, body, CancellationToken.None) is { Reference: not null } r && r.Message != OfficerReplies.Neutral ? r : null,
            Wait,
            "the officer's acknowledgement");
        return reply.Reference!.Value.ToString();
    }

    private Task<ReferralView> RoutedAsync(string reference) =>
        Eventually.ValueAsync(
            async () => await Api().ReadReferralAsync(Night, reference, CancellationToken.None) is { Status: not "Received" } view && view.Cases.Count > 0 ? view : null,
            Wait,
            $"referral {reference} routed");

    private async Task<JsonObject> DossierAsync(string reference) =>
        await Api().ReadReferralJsonAsync(Night, reference, CancellationToken.None) ?? throw new InvalidOperationException($"No dossier for {reference}.");

    private Task<JsonObject> WaitForDossierAsync(string reference, Func<JsonObject, bool> condition, string what) =>
        Eventually.ValueAsync(async () => await DossierAsync(reference) is var d && condition(d) ? d : null, Wait, what);

    private Task<SentMessage> SmsAsync(string to, Func<SentMessage, bool> match, string what) =>
        Eventually.ValueAsync(() => Task.FromResult(Hub.Twilio.Messages.FirstOrDefault(m => m.To == to && match(m))), Wait, what);

    /// <summary>Takes messages off the agency's subscription (completing each) until the one with <paramref name="messageId"/> arrives.</summary>
    private async Task<ServiceBusReceivedMessage> ReceiveAsync(string subscription, string messageId, string what)
    {
        await using var bus = new ServiceBusClient(Hub.ServiceBus.ConnectionString);
        await using var receiver = bus.CreateReceiver("cases", subscription);
        return await Eventually.ValueAsync(
            async () =>
            {
                foreach (var message in await receiver.ReceiveMessagesAsync(20, TimeSpan.FromSeconds(1)))
                {
                    await receiver.CompleteMessageAsync(message);
                    if (message.MessageId == messageId)
                    {
                        return message;
                    }
                }

                return null;
            },
            Wait,
            what);
    }

    private static IEnumerable<JsonObject> Cases(JsonObject dossier) => (dossier["cases"] as JsonArray ?? []).OfType<JsonObject>();

    private static IEnumerable<JsonObject> Trail(JsonObject dossier) => (dossier["trail"] as JsonArray ?? []).OfType<JsonObject>();

    private static string Kind(JsonObject e) => e["kind"]?.GetValue<string>() ?? string.Empty;

    private static string Actor(JsonObject e) => e["actor"]?.GetValue<string>() ?? string.Empty;

    private static DateTimeOffset When(JsonObject e) => e["at"]!.GetValue<DateTimeOffset>();

    private static string? Data(JsonObject e, string name) => e["data"]?[name]?.GetValue<string>();
}
