using System.Globalization;
using NightSafe.Cli.Demo;

namespace NightSafe.EndToEnd.Tests;

/// <summary>The hub as `nightsafe demo` starts it, with a shorter deadline still for a 30-text night.</summary>
public sealed class DemoHubFixture : HubFixture
{
    public override TimeSpan? AcknowledgeWithin => TimeSpan.FromSeconds(4);
}

/// <summary>
/// Issue 5: a short demo night (about 30 officer texts) through the real stack, with every agency played on its own
/// subscription, and the night's invariants checked from the outside.
/// </summary>
public sealed class DemoNightTests(DemoHubFixture fixture, ITestOutputHelper output) : IClassFixture<DemoHubFixture>
{
    [Fact]
    public async Task A_short_night_holds_every_invariant_through_the_real_stack()
    {
        DemoReport report;
        try
        {
            report = await new DemoNight(fixture.Hub, fixture.Http).RunAsync(new DemoOptions { OfficerTexts = 30, Seed = 7 }, progress: null, CancellationToken.None);
        }
        finally
        {
            fixture.WriteLogTail(output);
        }

        var f = report.Figures;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{report.Record.Referrals.Count} referrals, {report.Record.Cases.Count} cases, {f.AdviceDelivered} advice SMS delivered; webhook p50 {f.WebhookReply.P50.TotalMilliseconds:0} ms p95 {f.WebhookReply.P95.TotalMilliseconds:0} ms; accepted->partner p50 {f.AcceptedToPartner.P50.TotalMilliseconds:0} ms p95 {f.AcceptedToPartner.P95.TotalMilliseconds:0} ms; cold start {report.ColdStart?.TotalMilliseconds:0} ms"));

        // The partner loop's figures first, so a failure below can be read against them.
        foreach (var a in f.PartnerLoop)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{a.Agency} ({a.PlayedAs}): {a.Cases} cases, {a.Accepted} accepted, median {a.MedianToAccept?.TotalSeconds:0.0} s, p90 {a.P90ToAccept?.TotalSeconds:0.0} s, {a.Reminded} reminded, {a.Escalated} escalated {a.WhyNoCases}"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Escalations.Count} escalations ({f.Escalations.Count(e => e.InspectorsTexted.Count > 0)} with the inspector texted), {f.CancellationsReceived} cancellations received, {f.AdviceRefused} advice refused"));

        // Every invariant: terminal states, isolation and minimisation, one advice SMS per rule, the summary's figures.
        Assert.True(report.Passed, "Invariants broken:\n" + string.Join("\n", report.Failures));

        // And the night was a real one, so the checks above had something to check.
        Assert.True(report.Record.Referrals.Count >= 20, $"only {report.Record.Referrals.Count} referrals");
        Assert.All(report.Record.Referrals, r => Assert.True(r.IsTerminal, $"{r.Reference} is {r.Status}"));
        Assert.Equal(report.Record.Referrals.Sum(r => r.Cases.Count), report.Record.DistinctCases.Count);
        Assert.Equal(7, f.ByTown.Count);
        Assert.True(f.AdviceDelivered > 0, "no advice SMS was delivered");
        Assert.True(f.AdviceRefused >= 2, "the scripted 21211/21610 numbers were not refused");
        Assert.NotNull(report.Record.Summary);
        Assert.Equal(report.Record.Referrals.Count, report.Record.Summary["referrals"]?.GetValue<int>());
        Assert.NotNull(report.SummarySms);
        Assert.Contains(report.Record.Texts, t => t.Text.Kind == ScriptedKind.Close && t.Reply.Succeeded);

        // The partner loop was played for real: answers by SMS, late answers after a reminder, silent agencies escalated.
        var sms = report.Record.Behaviours.Where(b => b.Value.Answers == Cli.Partners.PartnerAnswers.BySms).Select(b => b.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(report.Record.Reports, r => sms.Contains(r.Agency) && r.Outcome == "accepted" && r.Reply is not null && r.Status == System.Net.HttpStatusCode.OK);
        Assert.True(f.PartnerLoop.Any(a => a.PlayedAs == "answers through the API, late" && a.Accepted > 0 && a.Reminded > 0), "no late agency was reminded and then accepted a case");
        Assert.True(f.Escalations.Count > 0, "no case was escalated");
        Assert.All(f.Escalations, e => Assert.NotEmpty(e.InspectorsTexted));
        Assert.True(f.CancellationsReceived > 0, "no case-closed message reached an agency");
        Assert.Equal(report.Record.World.Agencies.Count, f.PartnerLoop.Count);
        Assert.All(f.PartnerLoop.Where(a => a.Cases == 0), a => Assert.False(string.IsNullOrEmpty(a.WhyNoCases)));
    }
}
