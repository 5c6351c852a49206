using NightSafe.Core.World;
using Microsoft.Extensions.DependencyInjection;
using NightSafe.Core.Control;
using NightSafe.Core.Partners;

namespace NightSafe.Core.Tests.Services;

/// <summary>Duty phones the control room manages: the partner loop and SMS answers follow the store, routing.json seeds it.</summary>
public sealed class DutyPhoneAdministrationTests
{
    private const string Pastors = "street-pastors-chelmsford";
    private const string NewPhone = "+447700900771";

    private static string SeedPhone => Hub.World.FindAgency(AgencyId.From(Pastors))!.DutyPhones[0];

    [Fact]
    public async Task After_the_control_room_swaps_a_phone_alerts_go_to_the_new_one_and_only_it_answers_the_agencys_cases()
    {
        var hub = new Hub();
        var admin = hub.Services.GetRequiredService<DutyPhoneAdministration>();
        var seedId = hub.PhoneIds.IdFor(SeedPhone);

        var before = await admin.ListAsync(Pastors, CancellationToken.None);
        var added = await admin.AddAsync(new DutyPhoneAddition(Pastors, "07700 900771"), "control-room:Sgt Rivers", CancellationToken.None);
        var removed = await admin.RemoveAsync(Pastors, seedId, "control-room:Sgt Rivers", CancellationToken.None);
        var referral = await hub.ReferAndRouteAsync();
        var fromOld = await hub.TextAsync($"ACC {referral.Reference}", SeedPhone);
        var fromNew = await hub.TextAsync($"ACC {referral.Reference}", NewPhone);

        var seeded = Assert.Single(before);
        Assert.Equal((seedId, DutyPhoneAdministration.FromRoutingJson, true), (seeded.Id, seeded.Source, seeded.Active));
        Assert.IsType<DutyPhoneResult.Done>(added);
        Assert.IsType<DutyPhoneResult.Done>(removed);
        var alerted = hub.Texted.Where(s => s.Key.StartsWith(PartnerSmsKinds.CaseAlert + "/", StringComparison.Ordinal)).Select(s => s.To).ToList();
        Assert.Contains(NewPhone, alerted);
        Assert.DoesNotContain(SeedPhone, alerted);
        Assert.Equal(Intake.OfficerReplies.Neutral, fromOld);
        Assert.StartsWith($"NightSafe {referral.Reference} accepted", fromNew, StringComparison.Ordinal);
        var listed = await admin.ListAsync(Pastors, CancellationToken.None);
        Assert.Equal([(seedId, false), (hub.PhoneIds.IdFor(NewPhone), true)], listed.Select(p => (p.Id, p.Active)).OrderBy(p => p.Active));
        Assert.All(listed, p => Assert.Equal(DutyPhoneAdministration.FromControlRoom, p.Source));
        Assert.DoesNotContain(listed, p => p.MaskedPhone.Contains("900771", StringComparison.Ordinal));
        var changes = await admin.ChangesAsync(10, CancellationToken.None);
        Assert.Equal(["removed", "added", "seeded"], changes.Select(c => c.Action));
        Assert.All(changes, c => Assert.Equal("control-room:Sgt Rivers", c.Actor));
    }

    [Fact]
    public async Task A_phone_is_taken_off_duty_by_its_number_as_by_its_id_and_a_number_not_on_duty_is_not_found()
    {
        var hub = new Hub();
        var admin = hub.Services.GetRequiredService<DutyPhoneAdministration>();

        var removed = await admin.RemoveNumberAsync(new DutyPhoneRemoval(Pastors, "0" + SeedPhone[3..]), "control-room:x", CancellationToken.None);
        var again = await admin.RemoveNumberAsync(new DutyPhoneRemoval(Pastors, SeedPhone), "control-room:x", CancellationToken.None);
        var nonsense = await admin.RemoveNumberAsync(new DutyPhoneRemoval("atlantis", "12"), "control-room:x", CancellationToken.None);

        var entry = Assert.Single(Assert.IsType<DutyPhoneResult.Done>(removed).Changed);
        Assert.Equal((hub.PhoneIds.IdFor(SeedPhone), false), (entry.Id, entry.Active));
        Assert.IsType<DutyPhoneResult.NotFound>(again);
        Assert.Equal(["agency", "phone"], Assert.IsType<DutyPhoneResult.Invalid>(nonsense).Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await hub.Services.GetRequiredService<DutyPhoneBook>().PhonesOfAsync(Hub.World.FindAgency(AgencyId.From(Pastors))!, CancellationToken.None));
    }

    [Fact]
    public async Task A_phone_of_another_agency_an_officers_phone_or_an_unknown_agency_is_refused_and_nothing_changes()
    {
        var hub = new Hub();
        var admin = hub.Services.GetRequiredService<DutyPhoneAdministration>();
        var councilPhone = Hub.World.FindAgency(new AgencyId("community-safety-chelmsford"))!.DutyPhones[0];

        var taken = await admin.AddAsync(new DutyPhoneAddition(Pastors, councilPhone), "control-room:x", CancellationToken.None);
        var officer = await admin.AddAsync(new DutyPhoneAddition(Pastors, Hub.OfficerPhone), "control-room:x", CancellationToken.None);
        var nonsense = await admin.AddAsync(new DutyPhoneAddition("atlantis", "12"), "control-room:x", CancellationToken.None);
        var missing = await admin.RemoveAsync(Pastors, "0000000000000000", "control-room:x", CancellationToken.None);

        Assert.Contains("community-safety-chelmsford", Assert.IsType<DutyPhoneResult.Invalid>(taken).Errors["phone"][0], StringComparison.Ordinal);
        Assert.Contains("officer", Assert.IsType<DutyPhoneResult.Invalid>(officer).Errors["phone"][0], StringComparison.Ordinal);
        Assert.Equal(["agency", "phone"], Assert.IsType<DutyPhoneResult.Invalid>(nonsense).Errors.Keys.Order(StringComparer.Ordinal));
        Assert.IsType<DutyPhoneResult.NotFound>(missing);
        Assert.Empty(await admin.ChangesAsync(10, CancellationToken.None));
    }
}
