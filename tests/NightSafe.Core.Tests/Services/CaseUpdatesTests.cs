using System.Text.Json;
using NightSafe.Core.Outcomes;
using NightSafe.Core.Partners;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Services;

/// <summary>
/// What an officer adds after routing reaches the agencies that have the case, each through its own minimisation:
/// a <c>case-updated</c> message, a short SMS to the duty phones, the stored view the desk shows, and the audit.
/// </summary>
public sealed class CaseUpdatesTests
{
    private const string Pastors = "street-pastors-chelmsford";
    private const string Council = "community-safety-chelmsford";
    private const string SafeSpace = "safe-space-chelmsford";

    private static async Task<Referral> RoutedAsync(Hub hub, string text)
    {
        await hub.TextAsync(text);
        await hub.RouteQueuedAsync();
        return hub.Store.Referrals.OrderBy(r => r.ReceivedAt).Last();
    }

    private static List<OutgoingCase> Updates(Hub hub) => [.. hub.Publisher.Cases.Where(c => c.Subject == OutgoingCase.CaseUpdatedSubject)];

    private static JsonElement Body(OutgoingCase message) => JsonDocument.Parse(message.Body).RootElement;

    [Fact]
    public async Task More_words_after_routing_reach_only_the_agencies_whose_view_holds_the_description()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates");

        var reply = await hub.TextAsync($"ADD {referral.Reference} now with her sister");
        await hub.RunDueStepsAsync();

        Assert.Contains("Partners who have the case are sent the update", reply, StringComparison.Ordinal);
        var updates = Updates(hub);
        Assert.Equal([SafeSpace, Pastors], updates.Select(u => u.AgencyId.Value).Order(StringComparer.Ordinal));
        Assert.All(updates, u =>
        {
            var body = Body(u);
            Assert.Equal("case-updated", body.GetProperty("type").GetString());
            Assert.Equal(referral.Reference.ToString(), body.GetProperty("reference").GetString());
            Assert.EndsWith("now with her sister", body.GetProperty("description").GetString(), StringComparison.Ordinal);
            Assert.Null(u.TownId);
            Assert.Null(u.Categories);
            Assert.StartsWith(PartnerCase.MessageIdFor(referral.Night, referral.Reference, u.AgencyId) + "/update/", u.MessageId, StringComparison.Ordinal);
        });
        var council = Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Council);
        Assert.DoesNotContain("sister", council.View, StringComparison.Ordinal);
        var pastors = Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Pastors);
        Assert.Contains("now with her sister", pastors.View, StringComparison.Ordinal);
        var audited = hub.Store.Events(referral).Where(e => e.Kind == ReferralEventKinds.CaseUpdated).ToList();
        Assert.Equal([SafeSpace, Pastors], audited.Select(e => e.Data[ReferralEventData.Agency]).Order(StringComparer.Ordinal));
        Assert.All(audited, e => Assert.Equal("description", e.Data[ReferralEventData.Fields]));
        var texts = hub.PartnerSms.Sent.Where(s => s.Kind == PartnerSmsKinds.CaseUpdated).ToList();
        Assert.Equal(2, texts.Count);
        Assert.All(texts, t => Assert.Equal($"NightSafe {referral.Reference} UPDATE: officer added more details. See the case page or call the control room.", t.Body));
    }

    [Fact]
    public async Task Consent_given_after_routing_discloses_the_number_only_where_sharesWithConsent_allow_it()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates 07700 900123");
        Assert.All(hub.Store.AllCases, c => Assert.DoesNotContain("900123", c.View, StringComparison.Ordinal));

        await hub.TextAsync("consent y");
        await hub.RunDueStepsAsync();

        var updates = Updates(hub);
        Assert.Equal([SafeSpace, Pastors], updates.Select(u => u.AgencyId.Value).Order(StringComparer.Ordinal));
        Assert.All(updates, u => Assert.Equal("+447700900123", Body(u).GetProperty("subjectPhone").GetString()));
        Assert.DoesNotContain("900123", Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Council).View, StringComparison.Ordinal);
        Assert.Contains(ReferralFields.SubjectPhone, Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Pastors).Fields);
        Assert.All(hub.PartnerSms.Sent.Where(s => s.Kind == PartnerSmsKinds.CaseUpdated), t => Assert.DoesNotContain("900123", t.Body, StringComparison.Ordinal));
        Assert.Contains(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.CaseUpdated && e.Data[ReferralEventData.Fields]!.Contains("subjectPhone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Consent_withdrawn_after_routing_tells_the_agencies_to_delete_the_number_and_the_desk_view_drops_it()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates 07700 900123 consent y");
        Assert.Contains("900123", Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Pastors).View, StringComparison.Ordinal);

        await hub.TextAsync("consent n");
        await hub.RunDueStepsAsync();

        var update = Assert.Single(Updates(hub), u => u.AgencyId.Value == Pastors);
        Assert.Equal(["subjectPhone"], Body(update).GetProperty("withdrawn").EnumerateArray().Select(w => w.GetString()));
        Assert.False(Body(update).TryGetProperty("subjectPhone", out _));
        Assert.DoesNotContain("900123", Assert.Single(hub.Store.AllCases, c => c.AgencyId.Value == Pastors).View, StringComparison.Ordinal);
        var audited = Assert.Single(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.CaseUpdated && e.Data[ReferralEventData.Agency] == Pastors);
        Assert.Equal("subjectPhone", audited.Data[ReferralEventData.Withdrawn]);
        Assert.Contains(hub.PartnerSms.Sent, t => t.Kind == PartnerSmsKinds.CaseUpdated && t.Body!.Contains("consent withdrawn: delete the person's number", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repeated_update_step_sends_the_same_MessageId_and_changes_nothing_more()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates");
        await hub.TextAsync($"ADD {referral.Reference} now with her sister");
        var step = Assert.Single(hub.Steps.Pending, p => p.Item.Step == PartnerLoopItem.Update).Item;
        await hub.RunDueStepsAsync();
        var first = Updates(hub).Select(u => u.MessageId).Order(StringComparer.Ordinal).ToList();

        await hub.Loop.HandleAsync(step, CancellationToken.None);

        Assert.Equal(first, Updates(hub).Select(u => u.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(2, hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.CaseUpdated));
    }

    [Fact]
    public async Task A_second_addition_is_a_second_update_with_its_own_MessageId()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates");
        await hub.TextAsync($"ADD {referral.Reference} now with her sister");
        await hub.RunDueStepsAsync();
        hub.Time.Advance(TimeSpan.FromMinutes(1));

        await hub.TextAsync($"ADD {referral.Reference} sister taking her home");
        await hub.RunDueStepsAsync();

        var toPastors = Updates(hub).Where(u => u.AgencyId.Value == Pastors).ToList();
        Assert.Equal(2, toPastors.Select(u => u.MessageId).Distinct(StringComparer.Ordinal).Count());
        Assert.EndsWith("sister taking her home", Body(toPastors[^1]).GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_case_the_agency_finished_is_not_updated()
    {
        var hub = new Hub();
        var referral = await RoutedAsync(hub, "Chelmsford female drunk outside Yates");
        await hub.Partners.ReportAsync(AgencyId.From(Pastors), referral.Night, referral.Reference, PartnerOutcome.Declined, null, CancellationToken.None);

        await hub.TextAsync($"ADD {referral.Reference} now with her sister");
        await hub.RunDueStepsAsync();

        Assert.Equal([SafeSpace], Updates(hub).Select(u => u.AgencyId.Value));
    }
}
