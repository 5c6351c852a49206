using NightSafe.Core.World;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;
using NightSafe.Functions.Intake;
using NightSafe.Integrations.Storage;

namespace NightSafe.Functions.Tests;

/// <summary>
/// Incomplete officer texts through the SMS webhook, over Azurite: the numbered question, the answer that completes
/// the same referral, amendments, the 15-minute memory, two officers at once and Twilio's retries.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed class OfficerConversationTests(LocalHub stack)
{
    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    // Each test has its own officers, so that conversations of different tests cannot meet.
    private async Task<string> OfficerAsync(int n, string town)
    {
        var phone = $"+4477009004{n:D2}";
        await stack.Services.GetRequiredService<IOfficerRoster>().UpsertAsync(new Officer(phone, $"PC Test {n}", $"PC 77{n:D2}", TownId.From(town)), CancellationToken.None);
        return phone;
    }

    private async Task<string> TextAsync(string from, string body, string? sid = null)
    {
        var (status, twiml) = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, from, body, sid ?? NewSid()), stack.Context()).ReadAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        return WebUtility.HtmlDecode(twiml);
    }

    private List<Azure.Data.Tables.TableEntity> ReferralsOf(string collar) =>
        stack.Referrals().Where(r => r.GetString("Officer") == collar).ToList();

    [Fact]
    public async Task A_missing_town_is_asked_and_the_answer_2_completes_the_same_referral()
    {
        var officer = await OfficerAsync(1, "county");

        var question = await TextAsync(officer, "female drunk outside the station, 07700 900123, consent y");
        Assert.Contains("which town? 1 Chelmsford 2 Colchester", question, StringComparison.Ordinal);
        Assert.Empty(ReferralsOf("PC 7701"));

        var reply = await TextAsync(officer, "2");

        var referral = Assert.Single(ReferralsOf("PC 7701"));
        Assert.Equal("colchester", referral.GetString("TownId"));
        Assert.Equal("intoxicated", referral.GetString("Categories"));
        Assert.Equal("Given", referral.GetString("Consent"));
        Assert.Contains($"NightSafe ref {referral.GetString("Reference")}", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_concern_is_asked_and_drunk_completes_it_in_the_rostered_town()
    {
        var officer = await OfficerAsync(2, "harlow");

        var question = await TextAsync(officer, "female 20s outside the Playhouse");
        Assert.Contains("what is the concern? 1 alone 2 drunk", question, StringComparison.Ordinal);
        Assert.Empty(ReferralsOf("PC 7702"));

        var reply = await TextAsync(officer, "drunk");

        var referral = Assert.Single(ReferralsOf("PC 7702"));
        Assert.Equal("harlow", referral.GetString("TownId"));
        Assert.Equal("intoxicated", referral.GetString("Categories"));
        Assert.Contains("town taken as Harlow", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_y_after_a_referral_adds_to_it()
    {
        var officer = await OfficerAsync(3, "grays");
        await TextAsync(officer, "Grays male injured by the war memorial, 07700 900456");
        Assert.Equal("NotStated", Assert.Single(ReferralsOf("PC 7703")).GetString("Consent"));

        var reply = await TextAsync(officer, "consent y");

        var referral = Assert.Single(ReferralsOf("PC 7703"));
        Assert.Equal("Given", referral.GetString("Consent"));
        Assert.Contains($"NightSafe ref {referral.GetString("Reference")}: added", reply, StringComparison.Ordinal);
        Assert.Contains(stack.Events(referral.PartitionKey, referral.GetString("Reference")), e => e.GetString("Kind") == "amended");
    }

    [Fact]
    public async Task An_answer_after_15_minutes_completes_nothing()
    {
        var officer = await OfficerAsync(4, "county");
        await TextAsync(officer, "female spiked outside Atik");

        stack.Time.Advance(OfficerThread.Lifetime + TimeSpan.FromSeconds(1));
        var reply = await TextAsync(officer, "2");

        Assert.Empty(ReferralsOf("PC 7704"));
        Assert.DoesNotContain("NightSafe ref ", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_officers_conversations_never_mix()
    {
        var first = await OfficerAsync(5, "county");
        var second = await OfficerAsync(6, "county");
        await TextAsync(first, "female spiked outside Atik");
        await TextAsync(second, "male fighting by the pier");

        await TextAsync(second, "6");
        await TextAsync(first, "2");

        var one = Assert.Single(ReferralsOf("PC 7705"));
        var other = Assert.Single(ReferralsOf("PC 7706"));
        Assert.Equal(("colchester", "spiking"), (one.GetString("TownId"), one.GetString("Categories")));
        Assert.Equal(("southend", "disorder"), (other.GetString("TownId"), other.GetString("Categories")));
    }

    [Fact]
    public async Task A_retried_MessageSid_mid_conversation_gets_the_same_reply_and_makes_one_referral()
    {
        var officer = await OfficerAsync(7, "county");
        await TextAsync(officer, "female drunk outside the station");
        var sid = NewSid();

        var reply = await TextAsync(officer, "5", sid);
        var retried = await TextAsync(officer, "5", sid);

        Assert.Equal(reply, retried);
        Assert.Equal("basildon", Assert.Single(ReferralsOf("PC 7707")).GetString("TownId"));
    }

    [Fact]
    public async Task The_conversation_is_stored_under_the_phones_hash_never_the_number()
    {
        var officer = await OfficerAsync(8, "county");
        await TextAsync(officer, "female drunk outside the station");

        var rows = stack.Table(StorageNames.InboundMessagesTable).Query<Azure.Data.Tables.TableEntity>().ToList();

        Assert.Contains(rows, r => r.RowKey == TableConversationStore.RowPrefix + stack.Services.GetRequiredService<PhoneKeys>().For(officer));
        Assert.DoesNotContain(rows, r => r.RowKey.Contains("7700900408", StringComparison.Ordinal) || r.PartitionKey.Contains("7700900408", StringComparison.Ordinal));
    }
}
