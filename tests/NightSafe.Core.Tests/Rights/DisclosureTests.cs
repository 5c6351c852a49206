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
            new Intake.ReferralSubmission(ReferralSource.Api, "chelmsford", categories, null, Intake.Parsing.Consent.Given, "High St", "seen arguing", "cad", "system:cad"),
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
        Assert.Contains(decision.Assignments, a => a.AgencyId == "street-pastors-chelmsford");
        Assert.Contains(decision.Assignments, a => a.AgencyId == "da-survivors-essex");

        foreach (var sent in hub.Publisher.Cases)
        {
            var assigned = decision.Assignments.Single(a => a.AgencyId == sent.AgencyId).Categories;
            using var body = JsonDocument.Parse(sent.Body);
            var listed = body.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Equal(assigned.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
            Assert.Equal(assigned.Order(StringComparer.Ordinal), sent.Categories!.Order(StringComparer.Ordinal));
            var disclosed = Assert.Single(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Disclosed && e.Data[ReferralEventData.Agency] == sent.AgencyId);
            Assert.Equal(string.Join(',', assigned.Order(StringComparer.Ordinal)), string.Join(',', disclosed.Data[ReferralEventData.Categories].Split(',').Order(StringComparer.Ordinal)));
            Assert.Equal(body.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !CaseMessage.EnvelopeKeys.Contains(n)).Order(StringComparer.Ordinal), disclosed.Data[ReferralEventData.Fields].Split(',').Order(StringComparer.Ordinal));
        }

        var pastors = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == "street-pastors-chelmsford");
        Assert.DoesNotContain("domestic-abuse", pastors.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_properties_carry_only_fields_the_agency_shares()
    {
        var hub = new Hub();
        await RouteAsync(hub, ["perpetrator", "intoxicated"]);

        var programme = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == "perpetrator-change-essex");
        Assert.DoesNotContain("priority", Hub.World.FindAgency("perpetrator-change-essex")!.Shares);
        Assert.Null(programme.Priority);
        Assert.Equal(["perpetrator"], programme.Categories);
        var pastors = Assert.Single(hub.Publisher.Cases, c => c.AgencyId == "street-pastors-chelmsford");
        Assert.Equal(["intoxicated"], pastors.Categories);
        Assert.NotNull(pastors.Priority);
    }
}
