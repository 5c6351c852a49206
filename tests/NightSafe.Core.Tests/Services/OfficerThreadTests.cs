using NightSafe.Core.World;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>Asking when a text is incomplete, and remembering the officer's conversation for 15 minutes.</summary>
public sealed class OfficerThreadTests
{
    private const string CountyOfficer = "+447700900021";
    private const string OtherCountyOfficer = "+447700900022";

    private static async Task<Hub> HubWithCountyOfficersAsync()
    {
        var hub = new Hub();
        await hub.Roster.UpsertAsync(new Officer(CountyOfficer, "PS Reid", "PS 5001", new TownId("county")), CancellationToken.None);
        await hub.Roster.UpsertAsync(new Officer(OtherCountyOfficer, "PC Lowe", "PC 5002", new TownId("county")), CancellationToken.None);
        return hub;
    }

    [Fact]
    public async Task A_missing_town_is_asked_with_a_numbered_list_and_the_number_completes_the_same_referral()
    {
        var hub = await HubWithCountyOfficersAsync();

        var question = await hub.TextAsync("female drunk outside the station, 07700 900123, consent y", CountyOfficer);
        Assert.Empty(hub.Store.Referrals);
        Assert.Equal(
            "NightSafe: which town? 1 Chelmsford 2 Colchester 3 Harlow 4 Grays 5 Basildon 6 Southend-on-Sea 7 Braintree. Reply with the number or the name.",
            question);

        var reply = await hub.TextAsync("2", CountyOfficer);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal("colchester", referral.TownId.Value);
        Assert.Equal(["intoxicated"], referral.Categories.Values());
        Assert.Equal("+447700900123", referral.SubjectPhone);
        Assert.Equal(Consent.Given, referral.Consent);
        Assert.Equal("the station", referral.Location);
        Assert.Contains($"ref {referral.Reference}", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("town taken as", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_town_can_be_answered_with_a_shorthand()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("spiking outside Atik", CountyOfficer);

        await hub.TextAsync("colch", CountyOfficer);

        Assert.Equal("colchester", Assert.Single(hub.Store.Referrals).TownId.Value);
    }

    [Fact]
    public async Task A_missing_concern_is_asked_and_a_word_or_numbers_complete_it()
    {
        var hub = new Hub();

        var question = await hub.TextAsync("female 20s outside Yates, 07700 900123");
        Assert.Empty(hub.Store.Referrals);
        Assert.StartsWith("NightSafe: what is the concern? 1 alone 2 drunk 3 spiking", question, StringComparison.Ordinal);

        var reply = await hub.TextAsync("drunk");

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal(["intoxicated"], referral.Categories.Values());
        Assert.Equal("chelmsford", referral.TownId.Value);
        Assert.Equal("Yates", referral.Location);
        Assert.Contains("town taken as Chelmsford", reply, StringComparison.Ordinal);

        await hub.TextAsync("male on his own by the bus station, no way home");
        Assert.Equal(2, hub.Store.Referrals.Count);
        await hub.TextAsync("Braintree female outside the Bull");
        await hub.TextAsync("1 and 9");
        Assert.Contains(hub.Store.Referrals, r => r.TownId == new TownId("braintree") && r.Categories.Values().SequenceEqual(["alone", "transport"]));
    }

    [Fact]
    public async Task An_answer_after_15_minutes_completes_nothing()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("female drunk outside the station", CountyOfficer);

        hub.Time.Advance(OfficerThread.Lifetime + TimeSpan.FromSeconds(1));
        var reply = await hub.TextAsync("2", CountyOfficer);

        Assert.Empty(hub.Store.Referrals);
        Assert.DoesNotContain("NightSafe ref ", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_within_15_minutes_still_completes()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("female drunk outside the station", CountyOfficer);

        hub.Time.Advance(OfficerThread.Lifetime - TimeSpan.FromSeconds(1));
        await hub.TextAsync("2", CountyOfficer);

        Assert.Single(hub.Store.Referrals);
    }

    [Fact]
    public async Task Two_officers_conversations_never_mix()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("female spiked outside Atik", CountyOfficer);
        await hub.TextAsync("male fighting by the pier", OtherCountyOfficer);

        await hub.TextAsync("6", OtherCountyOfficer);
        await hub.TextAsync("2", CountyOfficer);

        Assert.Equal(2, hub.Store.Referrals.Count);
        Assert.Contains(hub.Store.Referrals, r => r.TownId == new TownId("colchester") && r.Categories.Values().SequenceEqual(["spiking"]) && r.Officer == "PS 5001");
        Assert.Contains(hub.Store.Referrals, r => r.TownId == new TownId("southend") && r.Categories.Values().SequenceEqual(["disorder"]) && r.Officer == "PC 5002");
    }

    [Fact]
    public async Task A_new_full_referral_while_a_question_waits_starts_afresh()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("female drunk outside the station", CountyOfficer);

        await hub.TextAsync("Grays male injured by the war memorial", CountyOfficer);
        var afterwards = await hub.TextAsync("2", CountyOfficer);

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Equal("grays", referral.TownId.Value);
        Assert.Equal(["injury"], referral.Categories.Values());
        Assert.DoesNotContain("NightSafe ref ", afterwards, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retried_message_mid_conversation_gets_the_same_reply_and_changes_nothing()
    {
        var hub = await HubWithCountyOfficersAsync();
        var question = await hub.TextAsync("female drunk outside the station", CountyOfficer, messageSid: "SMq1");
        Assert.Equal(question, await hub.TextAsync("female drunk outside the station", CountyOfficer, messageSid: "SMq1"));

        var reply = await hub.TextAsync("2", CountyOfficer, messageSid: "SMa1");
        var retried = await hub.TextAsync("2", CountyOfficer, messageSid: "SMa1");

        Assert.Equal(reply, retried);
        Assert.Single(hub.Store.Referrals);
    }

    [Fact]
    public async Task Consent_and_a_number_after_a_referral_add_to_it_before_routing()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford female drunk outside Yates");

        var reply = await hub.TextAsync("07700 900123");
        await hub.TextAsync("consent y");

        var referral = Assert.Single(hub.Store.Referrals);
        Assert.Contains("goes to partners with the case", reply, StringComparison.Ordinal);
        Assert.Equal("+447700900123", referral.SubjectPhone);
        Assert.Equal(Consent.Given, referral.Consent);
        Assert.Equal(AdviceState.Pending, referral.Advice);
        Assert.Equal(2, hub.Store.Events(referral).Count(e => e.Kind == ReferralEventKinds.Amended));
    }

    [Fact]
    public async Task An_addition_after_routing_is_recorded_and_the_officer_told_partners_are_sent_it()
    {
        var hub = new Hub();
        await hub.TextAsync("Chelmsford female drunk outside Yates");
        await hub.RouteQueuedAsync();
        var referral = Assert.Single(hub.Store.Referrals);

        var reply = await hub.TextAsync($"ADD {referral.Reference} now with her sister");

        Assert.Contains("Partners who have the case are sent the update", reply, StringComparison.Ordinal);
        var amended = Assert.Single(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Amended);
        Assert.Equal("description", amended.Data["fields"]);
        Assert.Contains("are sent an update", amended.Data["reason"], StringComparison.Ordinal);
        Assert.EndsWith("now with her sister", Assert.Single(hub.Store.Referrals).Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_addition_to_someone_elses_referral_is_refused()
    {
        var hub = await HubWithCountyOfficersAsync();
        await hub.TextAsync("Chelmsford female drunk outside Yates");
        var referral = Assert.Single(hub.Store.Referrals);

        var reply = await hub.TextAsync($"ADD {referral.Reference} consent given", CountyOfficer);

        Assert.Contains("no referral", reply, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Store.Events(referral), e => e.Kind == ReferralEventKinds.Amended);
    }
}
