using NightSafe.Core.World;
using System.Text.Json;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Tests.Services;

namespace NightSafe.Core.Tests.Rights;

public sealed class DisclosureTests
{
    private static async Task<Referral> RouteAsync(Hub hub, IReadOnlyList<string> categories)
    {
        var accepted = await hub.Intake.AcceptAsync(
            new Intake.ReferralSubmission(ReferralSource.Api, new TownId("chelmsford"), categories.As<CategoryId>(), null, Intake.Parsing.Consent.Given, "High St", "seen arguing", "cad", "system:cad"),
            null,
            null,
            CancellationToken.None);
        await hub.RouteQueuedAsync();
        return accepted.Referral;
    }

    [Fact]
    public async Task An_agency_case_lists_only_the_categories_it_was_assigned_and_its_audit_event_names_them()
    {
        var hub = new Hub();
        var referral = await RouteAsync(hub, ["domestic-abuse", "intoxicated"]);
        var decision = new RoutingPolicy(Hub.World).Decide(referral.TownId, referral.Categories, referral.ReceivedAt);
        Assert.Contains(decision.Assignments, a => a.AgencyId == new AgencyId("street-pastors-chelmsford"));
        Assert.Contains(decision.Assignments, a => a.AgencyId == new AgencyId("da-survivors-essex"));

        foreach (var sent in hub.Publisher.Cases)
        {
            var assigned = decision.Assignments.Single(a => a.AgencyId == sent.AgencyId).Categories;
            using var body = JsonDocument.Parse(sent.Body);
            var listed = body.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Equal(assigned.Values().Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
            Assert.Equal(assigned.Values().Order(StringComparer.Ordinal), sent.Categories!.Values().Order(StringComparer.Ordinal));
            var disclosed = Assert.Single(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Disclosed && e.Data[ReferralEventData.Agency] == sent.AgencyId.Value);
            Assert.Equal(string.Join(',', assigned.Values().Order(StringComparer.Ordinal)), string.Join(',', disclosed.Data[ReferralEventData.Categories].Split(',').Order(StringComparer.Ordinal)));
            Assert.Equal(body.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !CaseMessage.EnvelopeKeys.Contains(n)).Order(StringComparer.Ordinal), disclosed.Data[ReferralEventData.Fields].Split(',').Order(StringComparer.Ordinal));
        }

        var pastors = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == new AgencyId("street-pastors-chelmsford"));
        Assert.DoesNotContain("domestic-abuse", pastors.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_properties_carry_only_fields_the_agency_shares()
    {
        var hub = new Hub();
        await RouteAsync(hub, ["perpetrator", "intoxicated"]);

        var programme = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == new AgencyId("perpetrator-change-essex"));
        Assert.DoesNotContain("priority", Hub.World.FindAgency(new AgencyId("perpetrator-change-essex"))!.Shares);
        Assert.Null(programme.Priority);
        Assert.Equal(["perpetrator"], programme.Categories!.Values());
        var pastors = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == new AgencyId("street-pastors-chelmsford"));
        Assert.Equal(["intoxicated"], pastors.Categories!.Values());
        Assert.NotNull(pastors.Priority);
    }
}
