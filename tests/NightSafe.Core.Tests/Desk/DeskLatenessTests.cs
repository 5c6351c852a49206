using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Tests.Services;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Desk;

/// <summary>A desk shows which unanswered cases are past their deadlines, the latest to be answered first.</summary>
public sealed class DeskLatenessTests
{
    private static readonly RoutingWorld World = TestWorld.Real;
    private static readonly AgencyId Agency = AgencyId.From("safe-space-chelmsford");
    private static readonly DateTimeOffset Disclosed = TestWorld.Local(2026, 12, 18, 23, 0);

    [Fact]
    public void An_unanswered_case_is_on_time_then_reminded_then_escalated_and_an_answered_one_is_never_late()
    {
        var sent = Case(minutes: 0);
        Assert.Equal((DeskLateness.OnTime, null), AgencyDesk.LatenessOf(sent, World));

        Assert.Equal((DeskLateness.Reminded, "23:20"), AgencyDesk.LatenessOf(sent with { RemindedAt = Disclosed.AddMinutes(20) }, World));
        Assert.Equal((DeskLateness.Escalated, "23:40"), AgencyDesk.LatenessOf(sent with { RemindedAt = Disclosed.AddMinutes(20), EscalatedAt = Disclosed.AddMinutes(40) }, World));

        var accepted = sent with { Status = CaseStatus.Accepted, AcceptedAt = Disclosed.AddMinutes(41), RemindedAt = Disclosed.AddMinutes(20), EscalatedAt = Disclosed.AddMinutes(40) };
        Assert.Equal((DeskLateness.OnTime, null), AgencyDesk.LatenessOf(accepted, World));
    }

    [Fact]
    public async Task The_desk_lists_escalated_then_reminded_then_on_time_open_cases_and_closed_ones_last()
    {
        var store = new InMemoryReferralStore();
        var onTime = Case(minutes: 30);
        var reminded = Case(minutes: 10) with { RemindedAt = Disclosed.AddMinutes(30) };
        var escalated = Case(minutes: 0) with { RemindedAt = Disclosed.AddMinutes(20), EscalatedAt = Disclosed.AddMinutes(40) };
        var closed = Case(minutes: 35) with { Status = CaseStatus.Closed, AcceptedAt = Disclosed.AddMinutes(36) };
        foreach (var @case in new[] { onTime, closed, reminded, escalated })
        {
            await store.SaveAsync(new ReferralChange(@case.Night, @case.Reference) { Cases = [(@case, null)] }, CancellationToken.None);
        }

        var desk = new AgencyDesk(store, World, new FakeTimeProvider(Disclosed.AddMinutes(45)), NullLogger<AgencyDesk>.Instance);
        var list = await desk.ListAsync(Agency, CancellationToken.None);

        Assert.Equal([escalated.Reference, reminded.Reference, onTime.Reference, closed.Reference], list.Select(c => c.Reference));
        Assert.Equal([DeskLateness.Escalated, DeskLateness.Reminded, DeskLateness.OnTime, DeskLateness.OnTime], list.Select(c => c.Lateness));
        Assert.All(list.Where(c => c.Lateness == DeskLateness.OnTime), c => Assert.Null(c.LateSince));
    }

    private static PartnerCase Case(int minutes) => new()
    {
        Night = NightId.For(Disclosed, World),
        Reference = ReferenceCode.New(),
        AgencyId = Agency,
        DisclosedAt = Disclosed.AddMinutes(minutes),
        Fields = ["reference"],
        View = "{\"reference\":\"X\"}",
    };
}
