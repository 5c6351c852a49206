using NightSafe.Core.World;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Functions.Intake;

namespace NightSafe.Functions.Tests.Hardening;

/// <summary>
/// Issue 10, item 11: only the referring officer, officers of the referral's town and supervisors may ask STATUS of a
/// referral or CLOSE it; any other officer on the roster gets a neutral refusal, and the refusal is in the audit trail.
/// </summary>
[Collection(LocalHubGroup.Name)]
public sealed partial class OfficerPowersTests(LocalHub stack)
{
    private static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    // Each test has its own officers, away from the other tests' phone ranges.
    private async Task<(string Phone, string Collar)> OfficerAsync(int n, string town, bool supervisor = false)
    {
        var phone = $"+4477009006{n:D2}";
        var collar = $"PC 66{n:D2}";
        await stack.Services.GetRequiredService<IOfficerRoster>().UpsertAsync(new Officer(phone, $"PC Powers {n}", collar, TownId.From(town), Supervisor: supervisor), CancellationToken.None);
        return (phone, collar);
    }

    private async Task<string> TextAsync(string from, string body)
    {
        var (status, twiml) = await stack.Function<SmsInbound>().RunAsync(WebhookRequests.InboundSms(stack, from, body, NewSid()), stack.Context()).ReadAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        return WebUtility.HtmlDecode(twiml);
    }

    private async Task<(string Night, string Reference)> ReferAsync(string from)
    {
        var reply = await TextAsync(from, "Harlow drunk and alone outside the Water Gardens");
        var reference = Reference().Match(reply).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(reference), reply);
        var row = stack.Referrals().Single(r => r.RowKey == "R|" + reference);
        return (row.PartitionKey, reference);
    }

    private string StatusOf(string night, string reference) =>
        stack.Referrals().Single(r => r.PartitionKey == night && r.RowKey == "R|" + reference).GetString("Status");

    [Fact]
    public async Task An_officer_of_another_town_can_neither_ask_status_nor_close_and_gets_a_neutral_refusal()
    {
        var referrer = await OfficerAsync(1, "harlow");
        var stranger = await OfficerAsync(2, "grays");
        var (night, reference) = await ReferAsync(referrer.Phone);

        var status = await TextAsync(stranger.Phone, $"STATUS {reference}");
        var close = await TextAsync(stranger.Phone, $"CLOSE {reference} taken home");

        foreach (var reply in new[] { status, close })
        {
            Assert.Contains($"NightSafe: {reference} is not one of your referrals", reply, StringComparison.Ordinal);
            // Nothing of the referral itself: not its status, its town or its concerns.
            Assert.DoesNotContain("Harlow", reply, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("routed", reply, StringComparison.OrdinalIgnoreCase);
        }

        Assert.NotEqual(nameof(ReferralStatus.Closed), StatusOf(night, reference));
        var events = stack.Events(night, reference);
        Assert.DoesNotContain(events, e => e.GetString("Kind") == ReferralEventKinds.Consulted && e.GetString("Actor")!.Contains(stranger.Collar, StringComparison.Ordinal));
        Assert.Equal(2, events.Count(e => e.GetString("Kind") == ReferralEventKinds.ConsultationRefused && e.GetString("Actor")!.Contains(stranger.Collar, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_referring_officer_and_an_officer_of_the_same_town_may_ask_status_and_close()
    {
        var referrer = await OfficerAsync(3, "colchester"); // rostered elsewhere, referring in Harlow
        var colleague = await OfficerAsync(4, "harlow");
        var (night, reference) = await ReferAsync(referrer.Phone);

        Assert.Contains($"<Message>NightSafe {reference} (Harlow", await TextAsync(referrer.Phone, $"STATUS {reference}"), StringComparison.Ordinal);
        Assert.Contains($"<Message>NightSafe {reference} (Harlow", await TextAsync(colleague.Phone, $"STATUS {reference}"), StringComparison.Ordinal);
        Assert.Contains("closed", await TextAsync(colleague.Phone, $"CLOSE {reference} taken home"), StringComparison.Ordinal);

        Assert.Equal(nameof(ReferralStatus.Closed), StatusOf(night, reference));
    }

    [Fact]
    public async Task A_supervisor_of_another_town_may_ask_status_and_close()
    {
        var referrer = await OfficerAsync(5, "harlow");
        var supervisor = await OfficerAsync(6, "southend", supervisor: true);
        var (night, reference) = await ReferAsync(referrer.Phone);

        Assert.Contains($"<Message>NightSafe {reference} (Harlow", await TextAsync(supervisor.Phone, $"STATUS {reference}"), StringComparison.Ordinal);
        Assert.Contains("closed", await TextAsync(supervisor.Phone, $"CLOSE {reference} taken home"), StringComparison.Ordinal);

        Assert.Equal(nameof(ReferralStatus.Closed), StatusOf(night, reference));
    }

    [GeneratedRegex("NightSafe ref ([0-9A-Z]{6})")]
    private static partial Regex Reference();
}
