using System.Globalization;
using NightSafe.Cli.Demo;

namespace NightSafe.EndToEnd.Tests;

/// <summary>
/// Issue 5: a short demo night (about 30 officer texts) through the real stack, with every agency played on its own
/// subscription, and the night's invariants checked from the outside.
/// </summary>
public sealed class DemoNightTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>
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
    }
}
