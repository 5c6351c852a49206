using System.Globalization;
using NightSafe.Cli.Commands;
using NightSafe.Cli.Faults;

namespace NightSafe.EndToEnd.Tests;

/// <summary>
/// Issue 10: a short night (60 signed officer texts) through the real offline stack while the Service Bus emulator is
/// paused for 20 s, the worker is killed once mid-burst and the Twilio stand-in is paused for 20 s; the night's
/// invariants are checked once it has drained.
/// </summary>
public sealed partial class FaultNightTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task A_night_under_a_Service_Bus_outage_a_killed_worker_a_Twilio_outage_and_hung_storage_keeps_every_invariant()
    {
        var workerBefore = fixture.Hub.Functions.WorkerProcessId;
        FaultReport report;
        try
        {
            report = await new FaultNight(fixture.Hub, fixture.Http).RunAsync(new FaultOptions(), new Progress<string>(output.WriteLine), CancellationToken.None);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }

        foreach (var f in report.Faults)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{FaultNight.Describe(f.Fault)} ({f.InjectedFor.TotalSeconds:0.0} s): {f.Acknowledged}/{f.Texts} acknowledged, {f.WebhookRetries} webhook retries, {f.Referrals} referrals, {f.Routed} routed, {f.FlaggedForManualRouting} flagged, advice {f.AdviceDelivered} delivered {f.AdviceFailed} failed"));
        }

        foreach (var text in report.Unacknowledged)
        {
            output.WriteLine("No reference: " + text);
        }

        foreach (var lost in report.LostDeliveryReports)
        {
            output.WriteLine(FaultNight.Describe(lost));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.StoredUnacknowledged} stored without a reference; {report.CasesReceived} cases ({report.CaseRedeliveries} redeliveries, {report.PartnerReceiveErrors} partner receive errors), {report.SmsSent} SMS, {report.TwilioRequestsDropped} Twilio requests given up, {report.WorkerStarts} worker restart(s), {report.Elapsed.TotalSeconds:0} s"));
        if (!report.Passed)
        {
            // The drain's own reads of the dossiers fill the tail: show what the app did with the referrals and
            // messages a failure names instead.
            var named = Named().Matches(string.Join("\n", report.Failures)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
            output.WriteLine($"Log lines naming {string.Join(", ", named)}:");
            fixture.WriteLogLines(output, l => named.Any(n => l.Contains(n, StringComparison.Ordinal)) && !l.Contains("read by the control room", StringComparison.Ordinal) && !l.Contains("'ReadReferral'", StringComparison.Ordinal));
        }

        Assert.True(report.Passed, "Invariants broken:\n" + string.Join("\n", report.Failures));

        // The faults really happened, and the night was a real one, so the checks had something to check.
        Assert.Equal([Fault.ServiceBusOutage, Fault.WorkerKilled, Fault.TwilioOutage, Fault.StorageOutage], report.Faults.Select(f => f.Fault));
        Assert.All(report.Faults.Where(f => f.Fault != Fault.WorkerKilled), f => Assert.True(f.InjectedFor >= TimeSpan.FromSeconds(20), $"{f.Fault} lasted {f.InjectedFor}"));
        Assert.True(report.WorkerStarts >= 1, "the worker was not restarted");
        Assert.NotEqual(workerBefore, fixture.Hub.Functions.WorkerProcessId);
        Assert.True(report.PartnerReceiveErrors > 0, "the partners never noticed the Service Bus outage");
        Assert.True(report.TwilioRequestsDropped > 0, "no Twilio request was held long enough for the app to give up on it");
        // Outages behind the queues never reach the officer; a killed worker may, but Twilio's retry then resumes the text.
        // Storage that hangs is in front of the webhook's answer, and its texts are not retried (Twilio's default): each
        // officer is acknowledged by the answer, or told it follows and then texted it.
        Assert.All(report.Faults.Where(f => f.Fault != Fault.WorkerKilled), f => Assert.Equal(f.Texts, f.Acknowledged));
        var worker = report.Faults.Single(f => f.Fault == Fault.WorkerKilled);
        Assert.True(worker.Acknowledged >= worker.Texts - 1, $"only {worker.Acknowledged} of {worker.Texts} texts acknowledged around the worker's kill: {string.Join("; ", report.Unacknowledged)}");
        Assert.All(report.Faults, f => Assert.True(f.Referrals >= f.Acknowledged, $"{f.Fault}: {f.Referrals} referrals for {f.Acknowledged} acknowledged texts"));
        var twilio = report.Faults.Single(f => f.Fault == Fault.TwilioOutage);
        Assert.Equal(twilio.Referrals, twilio.Routed);
        Assert.True(report.Faults.Sum(f => f.AdviceDelivered) > 0, "no advice SMS was delivered");
    }

    [Theory]
    [InlineData("servicebus,worker,twilio", new[] { Fault.ServiceBusOutage, Fault.WorkerKilled, Fault.TwilioOutage })]
    [InlineData("storage,twilio", new[] { Fault.StorageOutage, Fault.TwilioOutage })]
    [InlineData(" Twilio ", new[] { Fault.TwilioOutage })]
    public void Faults_are_named_as_operators_write_them(string text, Fault[] expected) =>
        Assert.Equal(expected, FaultsCommand.ParseFaults(text));

    [Fact]
    public void An_unknown_fault_is_one_parse_error_naming_the_option()
    {
        Assert.Null(FaultsCommand.ParseFaults("servicebus,disk"));
        var error = Assert.Single(NightSafeCommandLine.Create().Parse(["faults", "--faults", "disk"]).Errors);
        Assert.Contains("--faults", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reference codes (six characters of Crockford base32) and message SIDs a failure names.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\b([0-9A-HJKMNP-TV-Z]{6}|SM[0-9a-f]{32})\b")]
    private static partial System.Text.RegularExpressions.Regex Named();
}
