using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Json.Schema;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Summaries;
using NightSafe.Core.World;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Routing;
using NightSafe.Functions.Summaries;
using NightSafe.Functions.Tests.Doubles;

namespace NightSafe.Functions.Tests.Contract;

/// <summary>The JSON Schemas partners code against (Contract/*.schema.json) describe every body the hub publishes.</summary>
[Collection(LocalHubGroup.Name)]
public sealed class MessageSchemaTests(LocalHub hub)
{
    /// <summary>A schema as a partner loads it: beside the case schema, which the others refer to.</summary>
    public static JsonSchema Schema(string name)
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var folder = Path.Combine(AppContext.BaseDirectory, "Contract");
        var @case = JsonSchema.FromFile(Path.Combine(folder, "case.schema.json"), options);
        return name == "case" ? @case : JsonSchema.FromFile(Path.Combine(folder, name + ".schema.json"), options);
    }

    public static EvaluationResults Check(JsonSchema schema, string body)
    {
        using var document = JsonDocument.Parse(body);
        return schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
    }

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Fact]
    public void Every_agencys_case_body_validates_for_every_consent_and_the_fullest_referral()
    {
        var schema = Schema("case");
        var world = hub.World;
        foreach (var agency in world.Agencies)
        {
            foreach (var consent in Enum.GetValues<Consent>())
            {
                var (body, fields) = CaseMessage.Build(Fullest(agency, consent, world), agency, agency.Categories, world);
                var result = Check(schema, body);
                Assert.True(result.IsValid, $"{agency.Id}/{consent}: {Errors(result)}");
                Assert.NotEmpty(fields);
            }
        }
    }

    [Fact]
    public void Every_agencys_summary_body_validates_with_and_without_a_median()
    {
        var schema = Schema("summary");
        var summary = new NightSummary
        {
            Night = NightId.Parse("2026-12-18"),
            GeneratedAt = LocalHub.FridayNight,
            Referrals = 41,
            ByTown = new Dictionary<string, int>(),
            ByCategory = new Dictionary<string, int>(),
            Agencies = [],
            OpenReferrals = 2,
            RoutedToFallback = 1,
            Unrouted = 0,
            AdviceSent = 3,
            AdviceFailed = 0,
            Text = "not under test",
        };
        foreach (var agency in hub.World.Agencies)
        {
            foreach (var median in new double?[] { null, 7.25 })
            {
                var result = Check(schema, NightSummaries.AgencyBody(summary, new AgencyFigures(agency.Id.Value, 5, 3, 2, 1, 1, 1, median)));
                Assert.True(result.IsValid, $"{agency.Id}: {Errors(result)}");
            }
        }
    }

    [Fact]
    public void A_case_closed_body_validates_and_carries_no_personal_data()
    {
        var world = hub.World;
        var agency = world.AgencyNamed("street-pastors-chelmsford")!;
        var referral = Fullest(agency, Consent.Given, world) with { Status = ReferralStatus.Closed, ClosedAt = LocalHub.FridayNight.AddMinutes(30) };
        var (view, fields) = CaseMessage.Build(referral, agency, referral.Categories, world);
        var @case = new PartnerCase { Night = referral.Night, Reference = referral.Reference, AgencyId = agency.Id, DisclosedAt = referral.ReceivedAt, Fields = fields, View = view };

        var closed = NightSafe.Core.Partners.PartnerLoop.CaseClosed(referral, @case, closedByPartner: false);

        var result = Check(Schema("case-closed"), closed.Body);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(OutgoingCase.CaseClosedSubject, closed.Subject);
        Assert.DoesNotContain(referral.Location!, closed.Body, StringComparison.Ordinal);
        Assert.False(Check(Schema("case"), closed.Body).IsValid);
    }

    [Fact]
    public void A_case_reminder_body_validates_names_its_deadlines_and_carries_no_personal_data()
    {
        var world = hub.World;
        var agency = world.AgencyNamed("safe-space-chelmsford")!;
        var referral = Fullest(agency, Consent.Given, world);
        var (view, fields) = CaseMessage.Build(referral, agency, referral.Categories, world);
        var @case = new PartnerCase { Night = referral.Night, Reference = referral.Reference, AgencyId = agency.Id, DisclosedAt = referral.ReceivedAt, Fields = fields, View = view };
        var escalatesAt = referral.ReceivedAt.AddMinutes(40);

        var reminder = NightSafe.Core.Partners.PartnerLoop.CaseReminder(referral, @case, escalatesAt);

        var result = Check(Schema("case-reminder"), reminder.Body);
        Assert.True(result.IsValid, Errors(result));
        Assert.Equal(OutgoingCase.CaseReminderSubject, reminder.Subject);
        Assert.Equal($"{referral.Night}/{referral.Reference}/{agency.Id}/reminder", reminder.MessageId);
        using var body = JsonDocument.Parse(reminder.Body);
        Assert.Equal(escalatesAt, body.RootElement.GetProperty("escalatesAt").GetDateTimeOffset());
        Assert.Equal(referral.ReceivedAt, body.RootElement.GetProperty("sentAt").GetDateTimeOffset());
        Assert.DoesNotContain(referral.Location!, reminder.Body, StringComparison.Ordinal);
        Assert.Null(reminder.TownId);
        Assert.Null(reminder.Categories);
        Assert.False(Check(Schema("case"), reminder.Body).IsValid);
        Assert.False(Check(Schema("case-closed"), reminder.Body).IsValid);
        Assert.False(Check(Schema("case-reminder"), reminder.Body.Replace("escalatesAt", "dueAt", StringComparison.Ordinal)).IsValid);
    }

    [Fact]
    public void Every_agencys_case_update_body_validates_when_consent_is_given_or_withdrawn_and_words_are_added()
    {
        var schema = Schema("case-updated");
        var world = hub.World;
        var checkedUpdates = 0;
        foreach (var agency in world.Agencies)
        {
            foreach (var (before, after) in new[] { (Consent.NotStated, Consent.Given), (Consent.Given, Consent.Refused), (Consent.Given, Consent.Given) })
            {
                var referral = Fullest(agency, before, world);
                var (view, fields) = CaseMessage.Build(referral, agency, agency.Categories, world);
                var @case = new PartnerCase { Night = referral.Night, Reference = referral.Reference, AgencyId = agency.Id, DisclosedAt = referral.ReceivedAt, Fields = fields, View = view };
                var amended = referral with { Consent = after, Description = referral.Description + "; now with her sister" };

                if (CaseMessage.Refresh(amended, @case, agency, world) is not { } refresh)
                {
                    continue;
                }

                var result = Check(schema, refresh.Body);
                Assert.True(result.IsValid, $"{agency.Id}/{before}->{after}: {Errors(result)}");
                Assert.True(Check(Schema("case"), refresh.View).IsValid, $"{agency.Id}: the stored view after the update is still a case");
                checkedUpdates++;
            }
        }

        Assert.True(checkedUpdates >= world.Agencies.Count, $"only {checkedUpdates} updates were built");
        Assert.False(schema.Evaluate(JsonDocument.Parse("""{"schemaVersion":1,"type":"case-updated","agency":"a","night":"2026-12-18","reference":"7KQ2MX","withdrawn":[],"categories":["alone"]}""").RootElement).IsValid);
    }

    [Fact]
    public void The_schemas_refuse_a_body_a_partner_must_not_trust()
    {
        var schema = Schema("case");

        Assert.False(Check(schema, """{"schemaVersion":2,"type":"case","agency":"street-pastors-chelmsford"}""").IsValid);
        Assert.False(Check(schema, """{"schemaVersion":1,"type":"case","agency":"street-pastors-chelmsford","subjectPhone":"07700 900123"}""").IsValid);
        Assert.False(Check(schema, """{"schemaVersion":1,"type":"case","agency":"street-pastors-chelmsford","dateOfBirth":"2001-01-01"}""").IsValid);
        Assert.False(Check(schema, """{"schemaVersion":1,"type":"case","agency":"a","receivedAt":"yesterday"}""").IsValid);
        Assert.False(Check(Schema("summary"), """{"schemaVersion":1,"type":"summary","agency":"a","night":"2026-12-18"}""").IsValid);
    }

    [Fact]
    public async Task The_messages_the_hub_publishes_on_both_topics_validate()
    {
        var (_, accepted) = await hub.Function<ReferralsApi>().SubmitAsync(
            new TestHttpRequestData(
                hub.Context(),
                "POST",
                new Uri("http://127.0.0.1/api/referrals"),
                """{"town":"chelmsford","categories":["spiking","domestic-abuse"],"subjectPhone":"07700 900456","consent":"given","location":"Moulsham St","description":"schema check","referrer":"cad"}""",
                "application/json"),
            hub.Context()).ReadAsync();
        var created = JsonDocument.Parse(accepted).RootElement;
        var night = created.GetProperty("night").GetString()!;
        var reference = created.GetProperty("reference").GetString()!;
        await hub.Function<RouteReferral>().RunAsync($$"""{"night":"{{night}}","reference":"{{reference}}"}""", 1, hub.Context());
        var agencies = hub.Table("Referrals")
            .Query<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == night)
            .Where(e => e.RowKey.StartsWith("C|" + reference + "|", StringComparison.Ordinal))
            .Select(e => e.RowKey.Split('|')[2])
            .ToList();
        Assert.NotEmpty(agencies);

        await using var client = new ServiceBusClient(hub.ServiceBusConnectionString);
        var cases = Schema("case");
        foreach (var agency in agencies)
        {
            await using var receiver = client.CreateReceiver("cases", agency);
            var message = await ReceiveAsync(receiver, m => m.MessageId == $"{night}/{reference}/{agency}");
            var result = Check(cases, message.Body.ToString());
            Assert.True(result.IsValid, $"{agency}: {Errors(result)}");
            Assert.Equal(agency, JsonDocument.Parse(message.Body.ToString()).RootElement.GetProperty("agency").GetString());
        }

        await hub.Function<SummaryFunctions>().QueueAsync($$"""{"night":"{{night}}"}""", hub.Context());
        var summaries = Schema("summary");
        await using var summaryReceiver = client.CreateReceiver("summaries", agencies[0]);
        var summary = await ReceiveAsync(summaryReceiver, m => m.MessageId == $"{night}/summary/{agencies[0]}");
        var summaryResult = Check(summaries, summary.Body.ToString());
        Assert.True(summaryResult.IsValid, Errors(summaryResult));
    }

    private static Referral Fullest(Agency agency, Consent consent, RoutingWorld world) => new()
    {
        Night = NightId.Parse("2026-12-18"),
        Reference = ReferenceCode.New(),
        ReceivedAt = LocalHub.FridayNight,
        Source = ReferralSource.Sms,
        TownId = world.Towns.First(t => agency.CoversTown(t.Id)).Id,
        Categories = [.. agency.Categories],
        Priority = Priority.High,
        Location = "Outside the station, by the taxi rank ///filled.count.soap",
        Description = "Separated from friends, phone battery dead",
        SubjectPhone = "+447700900123",
        Consent = consent,
        Officer = "EX1234",
    };

    private static async Task<ServiceBusReceivedMessage> ReceiveAsync(ServiceBusReceiver receiver, Func<ServiceBusReceivedMessage, bool> wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(2));
            if (message is null)
            {
                continue;
            }

            await receiver.CompleteMessageAsync(message);
            if (wanted(message))
            {
                return message;
            }
        }

        throw new TimeoutException($"No wanted message on {receiver.EntityPath} within 20 s.");
    }
}
