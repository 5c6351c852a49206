using NightSafe.Cli.Commands;
using NightSafe.Cli.Load;
using NightSafe.Core.Intake;

namespace NightSafe.EndToEnd.Tests;

/// <summary>`nightsafe load`, briefly, against a private stack: every figure is there, and nothing is lost or doubled.</summary>
public sealed class LoadCommandTests(HubFixture fixture, ITestOutputHelper output) : IClassFixture<HubFixture>
{
    [Fact]
    public async Task A_short_load_run_reports_every_figure_and_loses_or_doubles_no_case()
    {
        var run = new LoadRun(fixture.Hub.State(Environment.ProcessId), fixture.Hub.World, fixture.Http);
        var options = LoadCommand.Options("2,4", "3s", "60s") with { CeilingBurst = TimeSpan.FromMilliseconds(500), WarmUp = TimeSpan.FromSeconds(1) };

        var report = await run.RunAsync(options, null, CancellationToken.None);

        foreach (var p in report.Phases)
        {
            output.WriteLine($"{p.OfferedPerSecond}/s: {p.Accepted}/{p.Texts} accepted, webhook p95 {p.Webhook.P95} ms, to partner p95 {p.AcceptedToPartner.P95} ms, {p.StorageRequestsPerReferral} storage requests per referral, {p.Losses} lost, {p.Duplicates} twice");
        }

        if (!report.Clean)
        {
            fixture.WriteLogTail(output);
        }

        Assert.NotNull(report.Ceiling);
        Assert.True(report.Ceiling.InsertsPerSecond > 0 && report.Ceiling.QueueSendsPerSecond > 0);
        Assert.Equal([2.0, 4.0], report.Phases.Select(p => p.OfferedPerSecond));

        // The warm-up's texts (1 s at 5/s) went first and are in no phase: each phase has exactly its own.
        Assert.Equal((5, true), (report.WarmUpTexts, report.WarmUpClean));
        Assert.Equal([6, 12], report.Phases.Select(p => p.Texts));
        Assert.All(report.Phases, p =>
        {
            Assert.Equal(p.Texts, p.Accepted);
            Assert.Equal(p.Texts, p.Webhook.Count);
            Assert.Equal(p.Accepted, p.FullyRouted);
            Assert.True(p.AcceptedToPartner.Count >= p.Accepted, "every referral has at least one case");
            Assert.True(p.StorageRequestsPerReferral > 0, "the app's storage counter was read");
            Assert.NotNull(p.CeilingBound);
            Assert.NotNull(p.ShareOfCeiling);
            Assert.Equal(0, p.Losses);
            Assert.Equal(0, p.Duplicates);
            Assert.Equal((0, 0), (p.Unfinished, p.FlaggedForManualRouting));
            Assert.True(p.StorageProbe is { Count: > 0 } probe && probe.P50 > 0 && probe.P50 <= probe.P99 && probe.P99 <= p.StorageProbeMaxMs, "the storage probe's reads during the phase");
        });
        Assert.True(report.Clean);

        // --json: the figures an operator's script reads, by these names.
        using var json = System.Text.Json.JsonDocument.Parse(LoadCommand.ToJson(report));
        var root = json.RootElement;
        Assert.True(root.GetProperty("ceiling").GetProperty("insertsPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("ceiling").GetProperty("queueSendsPerSecond").GetDouble() > 0);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, root.GetProperty("stalls").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, root.GetProperty("longestStallMs").ValueKind);
        var phases = root.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(2, phases.Count);
        Assert.All(phases, phase =>
        {
            foreach (var latency in new[] { "webhook", "acceptedToPartner" })
            {
                foreach (var figure in new[] { "p50", "p95", "p99" })
                {
                    Assert.True(phase.GetProperty(latency).GetProperty(figure).GetDouble() >= 0, $"{latency}.{figure}");
                }
            }

            Assert.True(phase.GetProperty("routedPerSecond").GetDouble() > 0);
            Assert.True(phase.GetProperty("storageRequestsPerReferral").GetDouble() > 0);
            Assert.True(phase.GetProperty("ceilingBound").GetDouble() > 0);
            Assert.True(phase.GetProperty("shareOfCeiling").GetDouble() > 0);
            Assert.Equal(0, phase.GetProperty("losses").GetInt32());
            Assert.Equal(0, phase.GetProperty("duplicates").GetInt32());
            Assert.Equal(0, phase.GetProperty("unfinished").GetInt32());
            Assert.Equal(0, phase.GetProperty("flaggedForManualRouting").GetInt32());
            Assert.Equal(System.Text.Json.JsonValueKind.Number, phase.GetProperty("stalls").ValueKind);
            Assert.True(phase.GetProperty("storageProbeMaxMs").GetDouble() >= phase.GetProperty("storageProbe").GetProperty("p99").GetDouble());
            Assert.InRange(phase.GetProperty("machineCpuBusy").GetDouble(), double.Epsilon, 1);
        });
    }

    [Fact]
    public void A_referral_not_at_its_partners_when_the_drain_ends_is_lost_only_if_the_hub_says_it_routed_it()
    {
        Assert.Equal(ReferralFate.Arrived, LoadRun.FateOf(3, 0, "Routed"));
        Assert.Equal(ReferralFate.Arrived, LoadRun.FateOf(1, 0, null));

        // Still queued for routing when the drain ended: a longer drain would tell.
        Assert.Equal(ReferralFate.NotYetRouted, LoadRun.FateOf(0, 0, "Received"));
        Assert.Equal(ReferralFate.NotYetRouted, LoadRun.FateOf(3, 2, "Received"));
        Assert.Equal(ReferralFate.Flagged, LoadRun.FateOf(0, 0, "NeedsManualRouting"));

        // The hub routed it and a partner never got its case; or it was accepted and the hub has no trace of it.
        Assert.Equal(ReferralFate.Lost, LoadRun.FateOf(3, 1, "Routed"));
        Assert.Equal(ReferralFate.Lost, LoadRun.FateOf(2, 2, "Closed"));
        Assert.Equal(ReferralFate.Lost, LoadRun.FateOf(0, 0, null));
    }

    [Fact]
    public void Machine_cpu_is_the_share_of_ticks_not_idle_between_two_samples()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice: guest is inside user already.
        var before = MachineCpu.Parse("cpu  100 0 50 800 50 0 0 0 40 0");
        var after = MachineCpu.Parse("cpu  250 0 100 900 50 0 0 0 90 0");

        Assert.NotNull(before);
        Assert.Equal(150, before.Busy);
        Assert.Equal(1000, before.Total);
        Assert.Equal(200 / 300.0, after!.BusySince(before)!.Value, 6);
        Assert.Null(before.BusySince(after));
        Assert.Null(MachineCpu.Parse("intr 12 3 4"));
        Assert.Null(MachineCpu.Parse("cpu  x 0 0 0"));
        Assert.Null(MachineCpu.Parse(null));
    }

    [Fact]
    public async Task A_burst_above_capacity_still_gives_every_officer_a_reference_and_every_partner_each_case_once()
    {
        // 80 texts in two seconds, far beyond what this stack routes per second on a shared two-core machine. Not
        // timed: what must hold is that nobody is refused and nothing is lost or doubled while the backlog drains.
        var run = new LoadRun(fixture.Hub.State(Environment.ProcessId), fixture.Hub.World, fixture.Http);
        var options = LoadCommand.Options("40", "2s", "180s") with { CeilingBurst = TimeSpan.FromMilliseconds(200), Seed = 14, WarmUp = TimeSpan.Zero };

        var report = await run.RunAsync(options, null, CancellationToken.None);

        var burst = Assert.Single(report.Phases);
        output.WriteLine($"{burst.Accepted}/{burst.Texts} accepted, webhook p99 {burst.Webhook.P99} ms, to partner p99 {burst.AcceptedToPartner.P99} ms, {burst.Losses} lost, {burst.Duplicates} twice");
        if (!report.Clean)
        {
            fixture.WriteLogTail(output);
        }

        Assert.Equal(80, burst.Texts);
        Assert.Equal(burst.Texts, burst.Accepted);
        Assert.Equal(burst.Accepted, burst.FullyRouted);
        Assert.Equal(0, burst.Losses);
        Assert.Equal(0, burst.Duplicates);

        // In order: routing takes the oldest referral first with a bounded number in flight (host.json), so a case is
        // overtaken at its agency only by cases of referrals routed at the same time as its own; the listener's own
        // concurrent calls may swap what they record by as many again.
        output.WriteLine($"most overtaken: {burst.MostOvertaken} (routing in flight at most {RoutingInFlight()})");
        Assert.True(
            burst.MostOvertaken <= RoutingInFlight() + ListenerCalls,
            $"A case reached its agency after {burst.MostOvertaken} cases of referrals sent after it was accepted; routing has at most {RoutingInFlight()} in flight.");
    }

    [Fact]
    public async Task Texts_told_their_answer_would_follow_are_counted_answered_late_not_refused_and_their_referrals_are_tracked()
    {
        // Storage stops answering for longer than the hub's reply limit just as the phase's texts go out: the officers
        // are told the answer will follow, and it does, by text, once storage is back.
        var run = new LoadRun(fixture.Hub.State(Environment.ProcessId), fixture.Hub.World, fixture.Http);
        var options = LoadCommand.Options("2", "3s", "120s") with { CeilingBurst = TimeSpan.FromMilliseconds(200), Seed = 15, WarmUp = TimeSpan.Zero };
        var outage = new PauseOnFirstText(() => fixture.Hub.Azurite.PauseForAsync(OfficerConversation.ReplyWithin + TimeSpan.FromSeconds(4)));

        var report = await run.RunAsync(options, outage, CancellationToken.None);
        await outage.Ended;

        var phase = Assert.Single(report.Phases);
        output.WriteLine($"{phase.Accepted} accepted, {phase.AnsweredLate} answered late ({phase.LateAnswersMissing} missing), {phase.Refused} refused of {phase.Texts}; {phase.FullyRouted} fully routed, {phase.Losses} lost, {phase.Duplicates} twice");
        if (!report.Clean)
        {
            fixture.WriteLogTail(output);
        }

        Assert.Equal(6, phase.Texts);
        Assert.True(phase.AnsweredLate >= 3, $"Only {phase.AnsweredLate} of the texts sent into the outage were answered late.");
        Assert.Equal((phase.Texts, 0, 0), (phase.Accepted + phase.AnsweredLate, phase.LateAnswersMissing, phase.Refused));
        Assert.Equal(phase.Texts, phase.FullyRouted);
        Assert.Equal((0, 0), (phase.Losses, phase.Duplicates));
        Assert.True(report.Clean);
    }

    [Fact]
    public void A_late_answer_names_its_referral_and_no_other_text_does()
    {
        Assert.Equal("7KQ2MX", LoadRun.LateAnswerReference(OfficerReplies.Late("NightSafe ref 7KQ2MX: Harlow, spiking. Routed.")));
        Assert.Null(LoadRun.LateAnswerReference("NightSafe ref 7KQ2MX: Harlow, spiking. Routed."));
        Assert.Null(LoadRun.LateAnswerReference(OfficerReplies.AnswerFollows));
        Assert.Null(LoadRun.LateAnswerReference(OfficerReplies.Late("Which town? Reply with the town's name.")));
        Assert.Null(LoadRun.LateAnswerReference(null));
    }

    /// <summary>Starts an outage the moment the load reports its first text sent (the ceiling's burst has run by then).</summary>
    private sealed class PauseOnFirstText(Func<Task> outage) : IProgress<LoadProgress>
    {
        private readonly TaskCompletionSource<Task> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ended => _started.Task.IsCompleted ? _started.Task.Unwrap() : Task.CompletedTask;

        public void Report(LoadProgress value)
        {
            if (value.Sent >= 1 && !_started.Task.IsCompleted)
            {
                _started.TrySetResult(Task.Run(outage));
            }
        }
    }

    /// <summary>The load command's listener: concurrent calls per agency subscription.</summary>
    private const int ListenerCalls = 4;

    /// <summary>Routing messages in flight at once on one instance: host.json's queue batchSize + newBatchThreshold.</summary>
    private static int RoutingInFlight()
    {
        using var host = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(NightSafe.LocalStack.RepositoryLayout.FindRoot(), "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");
        return queues.GetProperty("batchSize").GetInt32() + queues.GetProperty("newBatchThreshold").GetInt32();
    }

    [Fact]
    public void A_case_is_overtaken_only_by_cases_of_referrals_sent_after_it_was_accepted()
    {
        var ms = (int m) => TimeSpan.FromMilliseconds(m);
        // A accepted before B and C were sent; B and C overlapped (neither came first).
        var referrals = new Dictionary<string, (TimeSpan Sent, TimeSpan Accepted)>
        {
            ["A"] = (ms(0), ms(10)),
            ["B"] = (ms(20), ms(40)),
            ["C"] = (ms(30), ms(50)),
        };

        Assert.Equal(0, CaseOrder.MostOvertaken([("x", "A", ms(100)), ("x", "B", ms(110)), ("x", "C", ms(120))], referrals));
        Assert.Equal(0, CaseOrder.MostOvertaken([("x", "A", ms(100)), ("x", "C", ms(110)), ("x", "B", ms(120))], referrals));
        Assert.Equal(2, CaseOrder.MostOvertaken([("x", "C", ms(100)), ("x", "B", ms(110)), ("x", "A", ms(120))], referrals));
        // Each agency's order is its own.
        Assert.Equal(1, CaseOrder.MostOvertaken([("x", "B", ms(100)), ("x", "A", ms(110)), ("y", "A", ms(100)), ("y", "C", ms(105))], referrals));
    }

    [Fact]
    public async Task The_storage_diagnostic_answers_only_the_master_key()
    {
        var state = fixture.Hub.State(Environment.ProcessId);
        var url = new Uri(state.FunctionsBaseUrl, "api/diagnostics/storage");
        foreach (var (key, expected) in new[] { ((string?)null, System.Net.HttpStatusCode.Unauthorized), (state.FunctionKey, System.Net.HttpStatusCode.Unauthorized), (state.MasterKey, System.Net.HttpStatusCode.OK) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (key is not null)
            {
                request.Headers.Add("x-functions-key", key);
            }

            using var response = await fixture.Http.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
        }
    }

    [Fact]
    public void A_deployed_hub_needs_its_keys_and_connections()
    {
        var parse = NightSafeCommandLine.Create().Parse(["load", "--hub", "https://func-nightsafe.example.net/"]);

        var error = Assert.Single(parse.Errors);
        Assert.Contains("--master-key", error.Message, StringComparison.Ordinal);
        Assert.Contains("--storage", error.Message, StringComparison.Ordinal);
        Assert.Empty(NightSafeCommandLine.Create().Parse(["load", "--rates", "5"]).Errors);
    }

    [Theory]
    [InlineData("20s", 20_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m", 60_000)]
    [InlineData("3", 3_000)]
    public void Durations_read_as_operators_write_them(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), LoadCommand.Duration(text));
}
