using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;
using NightSafe.Core.References;

namespace NightSafe.Cli.Demo;

/// <summary>How big and how busy a demo night is.</summary>
public sealed record DemoOptions
{
    /// <summary>Texts from rostered officers (referrals, HELP, STATUS, CLOSE).</summary>
    public int OfficerTexts { get; init; } = 220;

    /// <summary>The same seed replays the same night.</summary>
    public int Seed { get; init; } = 20261218;

    /// <summary>Texts in flight at once, as several officers text at the same moment.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Partner API calls in flight at once, across every agency.</summary>
    public int PartnerParallelism { get; init; } = 4;

    public PartnerBehaviour Partners { get; init; } = PartnerBehaviour.Default;

    /// <summary>Longest wait for every referral to settle once the last text is sent, and again for the summary.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The acknowledgement deadline of the demo's own stack (every priority): seconds, so late partners are reminded and
    /// silent ones escalated while the demo runs (long enough for a busy night's queues on a small machine).
    /// </summary>
    public TimeSpan AcknowledgeWithin { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary>Where a demo night is; reported often enough to drive a progress bar.</summary>
public sealed record DemoProgress(string Phase, int TextsSent, int TextsTotal, int CasesReceived, int CasesReported, int ReferralsSettled, int Referrals);

/// <summary>A finished demo night: what happened, in figures, and every check that failed.</summary>
public sealed record DemoReport(NightRecord Record, NightFigures Figures, IReadOnlyList<string> Failures, TimeSpan Elapsed, TimeSpan? ReadyAfter, TimeSpan? ColdStart)
{
    public bool Passed => Failures.Count == 0;

    /// <summary>The summary SMS as the stand-in sent it to a duty inspector, or null when none was sent.</summary>
    public string? SummarySms =>
        Record.Summary?["text"]?.GetValue<string>() is { } text && Record.Sms.Any(m => m.Body == text && Record.World.DutyInspectors.Any(i => i.Phone == m.To))
            ? text
            : null;
}

/// <summary>
/// Replays a busy night against a running <see cref="OfflineHub"/>: officers text (signed as Twilio signs), every
/// partner agency plays its part on its own subscription and through the partner API, the end-of-night summary runs
/// through the dev host's admin endpoint; then the night is checked from the outside. Give it a hub of its own: the
/// checks account for everything the hub did that night, so earlier referrals on the same hub would count as strays.
/// </summary>
public sealed class DemoNight(OfflineHub stack, HttpClient http)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the checks wait for queued work still on the way once every referral has settled.</summary>
    public static readonly TimeSpan LateWorkGrace = TimeSpan.FromSeconds(20);

    public async Task<DemoReport> RunAsync(DemoOptions options, IProgress<DemoProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var night = stack.Night.ToString();
        var plan = NightScript.Write(stack.World, options.OfficerTexts, options.Seed);
        // Through the stand-in, as through Twilio: it holds every text and the TwiML replies as messages of their own.
        var phone = new OfficerPhone(http, stack.Functions.BaseUrl, stack.PublicBaseUrl, stack.Twilio.AccountSid, stack.Twilio.AuthToken, OfflineHub.HubNumber) { StandIn = stack.Twilio };
        var hub = new HubApi(http, stack.Functions.BaseUrl, stack.ControlRoomKey, stack.Functions.MasterKey);
        var outcomes = new ConcurrentQueue<TextOutcome>();
        var views = new ConcurrentDictionary<string, ReferralView>(StringComparer.Ordinal);

        await using var bus = new ServiceBusClient(stack.ServiceBus.ConnectionString);
        using var apiGate = new SemaphoreSlim(options.PartnerParallelism);
        var deadline = stack.Acknowledgement.For(Core.World.Priority.Normal);
        var desks = stack.World.Agencies
            .Select((a, i) => new PartnerDesk(
                bus,
                a.Id.Value,
                stack.PartnerKeys[a.Id.Value],
                hub,
                DemoPartners.For(a, stack.World, deadline, options.Partners),
                apiGate,
                clock,
                options.Seed + i,
                a.DutyPhones is [var duty, ..] ? new DutyPhone(phone, stack.Twilio, duty) : null))
            .ToList();
        try
        {
            foreach (var desk in desks)
            {
                await desk.StartAsync(cancellationToken);
            }

            void Report(string phase) => progress?.Report(new DemoProgress(
                phase,
                outcomes.Count(o => o.Text.IsOfficerText),
                plan.Texts.Count(t => t.IsOfficerText),
                desks.Sum(d => d.Received.Count),
                desks.Sum(d => d.Reports.Count(r => r.Outcome != "accepted")),
                views.Count(v => v.Value.IsTerminal && v.Value.AdviceSettled),
                outcomes.Count(o => o.Text.Kind == ScriptedKind.Referral && o.Reply.Reference is not null)));

            Report("Shift starts");
            // The first officer's HELP also waits out the app's start-up (roster seeding) and gives the cold-start figure.
            var first = plan.Texts[0];
            outcomes.Enqueue(await FirstTextAsync(phone, first, clock, cancellationToken));
            foreach (var optOut in plan.OptOuts)
            {
                outcomes.Enqueue(await SendAsync(phone, optOut, null, clock, cancellationToken));
            }

            Report("Officers texting");
            await TextAllAsync(phone, plan.Texts.Skip(1).ToList(), options.Parallelism, outcomes, clock, () => Report("Officers texting"), cancellationToken);
            foreach (var (question, answer) in plan.Conversations)
            {
                outcomes.Enqueue(await SendAsync(phone, question, null, clock, cancellationToken));
                outcomes.Enqueue(await SendAsync(phone, answer, null, clock, cancellationToken));
            }

            Report("Partners answering");
            var references = outcomes.Where(o => o.Text.Kind == ScriptedKind.Referral && o.Reply.Reference is not null)
                .Select(o => o.Reply.Reference!.Value.ToString()).Distinct(StringComparer.Ordinal).ToList();
            // Late partners, escalations and the control room's answers take a few deadlines more.
            await SettleAsync(hub, night, references, views, desks, options.SettleTimeout + (deadline * 6), () => Report("Partners answering"), cancellationToken);

            Report("End-of-night summary");
            var summary = await SummariseAsync(hub, night, options.SettleTimeout, cancellationToken);
            Report("Done");

            NightRecord Take() => new()
            {
                World = stack.World,
                Night = night,
                Plan = plan,
                Texts = [.. outcomes.OrderBy(o => o.RepliedAt)],
                Referrals = [.. references.Where(views.ContainsKey).Select(r => views[r])],
                Cases = [.. desks.SelectMany(d => d.Received)],
                Reports = [.. desks.SelectMany(d => d.Reports)],
                PartnerErrors = [.. desks.SelectMany(d => d.Errors)],
                Cancellations = [.. desks.SelectMany(d => d.Cancellations)],
                Behaviours = desks.ToDictionary(d => d.Agency, d => d.Behaviour, StringComparer.Ordinal),
                Acknowledgement = stack.Acknowledgement,
                LocalStart = stack.ClockStart ?? stack.World.ToLocal(DateTimeOffset.UtcNow),
                Sms = stack.Twilio.Messages,
                Refusals = stack.Twilio.Refusals,
                Summary = summary,
            };

            // Settled referrals can still have queued work on the way (a case-closed message or a CLOSED text from the
            // partner-loop queue): a check that fails is taken again, with the referrals read again, until it holds or
            // LateWorkGrace has passed. Waiting hides nothing but slowness: a text sent twice or a case shown to the
            // wrong agency does not mend itself.
            var record = Take();
            var failures = NightChecks.Failures(record);
            var lateWork = DateTime.UtcNow + LateWorkGrace;
            while (failures.Count > 0 && DateTime.UtcNow < lateWork)
            {
                await Task.Delay(PollInterval, cancellationToken);
                await ReadAllAsync(hub, night, references, views, cancellationToken);
                record = Take();
                failures = NightChecks.Failures(record);
            }

            return new DemoReport(record, NightFigures.From(record), failures, clock.Elapsed, stack.Functions.ReadyAfter, stack.Functions.FirstInvocationServedAfter);
        }
        finally
        {
            foreach (var desk in desks)
            {
                await desk.DisposeAsync();
            }
        }
    }

    private static async Task<TextOutcome> FirstTextAsync(OfficerPhone phone, ScriptedText text, Stopwatch clock, CancellationToken cancellationToken)
    {
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (true)
        {
            var outcome = await SendAsync(phone, text, null, clock, cancellationToken);
            if (outcome.Reply.Message != OfficerReplies.Neutral || clock.Elapsed > deadline)
            {
                return outcome;
            }

            // The app answers before its hosted roster seeding has finished: ask again shortly, as an officer would.
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static async Task TextAllAsync(
        OfficerPhone phone,
        IReadOnlyList<ScriptedText> texts,
        int parallelism,
        ConcurrentQueue<TextOutcome> outcomes,
        Stopwatch clock,
        Action report,
        CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(parallelism);
        var sending = new List<Task>();
        var closed = new HashSet<ReferenceCode>();
        foreach (var text in texts)
        {
            await gate.WaitAsync(cancellationToken);
            var earlier = text.Kind switch
            {
                ScriptedKind.Status => EarlierReferral(outcomes, text.From, skipLatest: 0, closed),
                ScriptedKind.Close => EarlierReferral(outcomes, text.From, skipLatest: parallelism * 2, closed),
                _ => null,
            };
            var reference = earlier?.Reply.Reference;
            // Only the referring officer, officers of its town and supervisors may ask or close: its own officer texts.
            var sent = earlier is null ? text : text with { From = earlier.Text.From };
            if (text.Kind == ScriptedKind.Close && reference is { } closing)
            {
                closed.Add(closing);
            }

            sending.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        outcomes.Enqueue(await SendAsync(phone, sent, reference, clock, cancellationToken));
                        report();
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(sending);
    }

    /// <summary>
    /// A referral acknowledged earlier tonight and not closed yet, the same officer's if there is one; officers close
    /// a referral some time after making it, so the latest <paramref name="skipLatest"/> are passed over.
    /// </summary>
    private static TextOutcome? EarlierReferral(IEnumerable<TextOutcome> outcomes, string officer, int skipLatest, HashSet<ReferenceCode> closed)
    {
        var acknowledged = outcomes.Where(o => o.Text.Kind == ScriptedKind.Referral && o.Reply.Reference is not null).OrderBy(o => o.RepliedAt).ToList();
        var candidates = acknowledged.Take(Math.Max(1, acknowledged.Count - skipLatest)).Where(o => !closed.Contains(o.Reply.Reference!.Value)).ToList();
        return candidates.LastOrDefault(o => o.Text.From == officer) ?? candidates.LastOrDefault();
    }

    private static async Task<TextOutcome> SendAsync(OfficerPhone phone, ScriptedText text, ReferenceCode? reference, Stopwatch clock, CancellationToken cancellationToken)
    {
        var body = reference is { } code ? NightScript.Fill(text.Body, code) : text.Body;
        var reply = await phone.TextAsync(text.From, body, cancellationToken);
        return new TextOutcome(text, body, reference, reply, clock.Elapsed);
    }

    /// <summary>Waits until every referral is terminal with its advice settled, every case is answered and every SMS settled.</summary>
    private async Task SettleAsync(
        HubApi hub,
        string night,
        IReadOnlyList<string> references,
        ConcurrentDictionary<string, ReferralView> views,
        IReadOnlyList<PartnerDesk> desks,
        TimeSpan timeout,
        Action report,
        CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var quiet = desks.All(d => d.Busy == 0);
            var pending = references.Where(r => !views.TryGetValue(r, out var v) || !(v.IsTerminal && v.AdviceSettled)).ToList();
            if (quiet)
            {
                await ReadAllAsync(hub, night, pending, views, cancellationToken);
                report();
            }

            var settled = references.All(r => views.TryGetValue(r, out var v) && v.IsTerminal && v.AdviceSettled)
                && stack.Twilio.Messages.All(m => m.IsSettled)
                && desks.All(d => d.Busy == 0);
            if (settled)
            {
                // Read once more: a case report or delivery callback may have landed between reads.
                await ReadAllAsync(hub, night, references, views, cancellationToken);
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                // Read what there is, busy or not: the checks report what did not settle.
                await ReadAllAsync(hub, night, references, views, cancellationToken);
                return;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static Task ReadAllAsync(HubApi hub, string night, IEnumerable<string> references, ConcurrentDictionary<string, ReferralView> views, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(references, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (reference, ct) =>
        {
            if (await hub.ReadReferralAsync(night, reference, ct) is { } view)
            {
                views[reference] = view;
            }
        });

    private static TimeSpan Left(DateTime deadline) => deadline - DateTime.UtcNow is var left && left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);

    /// <summary>Runs SummaryRequested through the admin endpoint and waits until the summary is delivered and its SMS settled.</summary>
    private async Task<JsonObject?> SummariseAsync(HubApi hub, string night, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sentBefore = stack.Twilio.Messages.Count;
        await hub.RunFunctionAsync("SummaryRequested", JsonSerializer.Serialize(new { night }), cancellationToken);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var summary = await hub.ReadSummaryAsync(night, cancellationToken);
            if (summary?["deliveredAt"] is JsonValue)
            {
                var inspectors = stack.World.DutyInspectors.Count;
                try
                {
                    await stack.Twilio.WaitForAsync(m => m.Skip(sentBefore).Count(x => x.IsSettled) >= inspectors, Left(deadline), cancellationToken);
                }
                catch (TimeoutException)
                {
                    // The checks say which inspector did not get it.
                }

                return summary;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return null;
    }
}
