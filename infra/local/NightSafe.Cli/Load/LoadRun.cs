using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.Core.Intake;
using NightSafe.Core.Ports;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.Cli.Load;

/// <summary>What `nightsafe load` offers: referrals per second for each phase, each phase as long as <see cref="PhaseDuration"/>.</summary>
public sealed record LoadOptions
{
    public IReadOnlyList<double> Rates { get; init; } = [5, 25];

    public TimeSpan PhaseDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait, after a phase's last text, for its cases to reach the partners.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Texts in flight at once; beyond this the offered rate is not kept (and the run says so).</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>Length of the storage ceiling's burst (inserts, then queue sends, straight at the storage account).</summary>
    public TimeSpan CeilingBurst { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A storage probe slower than this counts as a stall (Azurite's clean-up of used queue messages).</summary>
    public TimeSpan StallThreshold { get; init; } = TimeSpan.FromSeconds(1);

    public int Seed { get; init; } = 20261218;

    /// <summary>
    /// Texts at <see cref="WarmUpRate"/> for this long before the first phase, not counted: a hub just started compiles
    /// its code and opens its connections under the first texts (a cold 25/s phase measured a webhook p50 of 240–300 ms
    /// where a warm one measured 10–25 ms). Zero: none.
    /// </summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);

    public double WarmUpRate { get; init; } = 5;

    /// <summary>No run can grow without bound: at most this many texts in all.</summary>
    public const int MaxTexts = 20_000;
}

/// <summary>Percentiles of a set of durations, in milliseconds.</summary>
public sealed record Percentiles(double P50, double P95, double P99, int Count)
{
    public static Percentiles Of(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Select(v => v.TotalMilliseconds).Order().ToArray();
        return sorted.Length == 0
            ? new Percentiles(double.NaN, double.NaN, double.NaN, 0)
            : new Percentiles(At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted.Length);
    }

    // Nearest rank: the smallest value at or above the share of the sample.
    private static double At(double[] sorted, double share) => sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>The storage account's own speed on this machine, measured in the same run: the ceiling a hub's figures are a share of.</summary>
public sealed record StorageCeiling(double InsertsPerSecond, double QueueSendsPerSecond)
{
    /// <summary>Requests per second, weighting inserts and queue sends as a referral does (mostly table work).</summary>
    public double RequestsPerSecond => InsertsPerSecond;
}

/// <summary>One phase's figures.</summary>
/// <param name="Accepted">Texts answered in time with their referral's reference.</param>
/// <param name="Refused">Texts answered with neither a reference nor the promise of one by text (the webhook failed, or answered otherwise).</param>
/// <param name="StorageRequestsPerReferral">From the app's own storage pipeline counter (null when the hub does not expose it).</param>
/// <param name="CeilingBound">Referrals per second the storage ceiling allows at this phase's requests per referral.</param>
/// <param name="ShareOfCeiling">Referrals fully routed per second as a share of <paramref name="CeilingBound"/>.</param>
/// <param name="MostOvertaken">
/// Order at the partners: the most cases, at one agency, that reached it before a case of a referral accepted before
/// theirs was even sent (see <see cref="CaseOrder"/>); 0 is acceptance order exactly.
/// </param>
/// <param name="MachineCpuBusy">
/// How busy the machine's processors were from the phase's first text until it drained (0 to 1, every process; null
/// where it cannot be read): near 1 with a low <paramref name="ShareOfCeiling"/>, the processors ran out, not storage.
/// </param>
public sealed record PhaseFigures(
    double OfferedPerSecond,
    double AchievedSendPerSecond,
    int Texts,
    int Accepted,
    int Refused,
    Percentiles Webhook,
    Percentiles AcceptedToPartner,
    double RoutedPerSecond,
    int FullyRouted,
    double? StorageRequestsPerReferral,
    IReadOnlyDictionary<string, long>? StorageRequests,
    double? CeilingBound,
    double? ShareOfCeiling,
    int Losses,
    int Duplicates,
    int Stalls,
    double LongestStallMs,
    int MostOvertaken = 0,
    double? MachineCpuBusy = null,
    int Unfinished = 0,
    int FlaggedForManualRouting = 0)
{
    /// <summary>
    /// Texts whose webhook took longer than the hub's reply limit, so the officer was told the answer would follow by
    /// text, and whose late answer (naming the referral) came: they are not refused, and their referrals are checked
    /// at the partners like the others (acceptance to partner and order leave them out: their acceptance was the late text).
    /// </summary>
    public int AnsweredLate { get; init; }

    /// <summary>Texts told the answer would follow whose late answer had not come by the end of the drain.</summary>
    public int LateAnswersMissing { get; init; }

    /// <summary>The storage probe's point reads during the phase (see <see cref="StorageWatch.ProbesSince"/>); null where not measured.</summary>
    public Percentiles? StorageProbe { get; init; }

    /// <summary>The slowest of those probes, in milliseconds.</summary>
    public double? StorageProbeMaxMs { get; init; }
}

/// <summary>
/// The order in which each agency received its cases, against the order the referrals were accepted. Of two referrals
/// whose webhooks overlapped neither came first; but one accepted (its officer had the reference) before the other was
/// sent came first, and its case should reach every agency the two share first. A case is overtaken by each such
/// later case that arrived before it. Routing takes the oldest referral first and has a bounded number in flight per
/// instance (host.json's queue batchSize + newBatchThreshold), so overtaking comes only from referrals routed at the same
/// time, and is at most about that many when their routing takes as long as each other's.
/// </summary>
public static class CaseOrder
{
    /// <param name="arrivals">Each case's agency, its referral, and when it first arrived.</param>
    /// <param name="referrals">Each referral's text: when it was sent and when it was accepted.</param>
    public static int MostOvertaken(IEnumerable<(string Agency, string Reference, TimeSpan Arrived)> arrivals, IReadOnlyDictionary<string, (TimeSpan Sent, TimeSpan Accepted)> referrals)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        ArgumentNullException.ThrowIfNull(referrals);
        var most = 0;
        foreach (var agency in arrivals.Where(a => referrals.ContainsKey(a.Reference)).GroupBy(a => a.Agency, StringComparer.Ordinal))
        {
            var inOrder = agency.OrderBy(a => a.Arrived).Select(a => referrals[a.Reference]).ToList();
            for (var i = 0; i < inOrder.Count; i++)
            {
                var overtaken = 0;
                for (var j = 0; j < i; j++)
                {
                    overtaken += inOrder[j].Sent > inOrder[i].Accepted ? 1 : 0;
                }

                most = Math.Max(most, overtaken);
            }
        }

        return most;
    }
}

/// <summary>What became of an accepted referral by the end of the drain (<see cref="LoadRun.FateOf"/>).</summary>
public enum ReferralFate
{
    /// <summary>Every case the hub recorded reached its partner.</summary>
    Arrived,

    /// <summary>Still waiting for routing when the drain ended: not lost, the drain was too short to tell.</summary>
    NotYetRouted,

    /// <summary>Routing failed every retry: the control room routes it by hand.</summary>
    Flagged,

    /// <summary>The hub routed it (or has no row for it) and a partner never received its case.</summary>
    Lost,
}

/// <summary>A whole run: the ceiling, each phase, and any stall of the storage emulator.</summary>
public sealed record LoadReport(StorageCeiling? Ceiling, IReadOnlyList<PhaseFigures> Phases, int Stalls, double LongestStallMs, string CasesCheckedAgainst)
{
    [JsonIgnore]
    public bool Clean => Phases.All(p => p.Losses == 0 && p.Duplicates == 0 && p.Unfinished == 0 && p.FlaggedForManualRouting == 0 && p.LateAnswersMissing == 0) && WarmUpClean;

    /// <summary>Texts sent to warm the hub before the phases (<see cref="LoadOptions.WarmUp"/>), in no phase's figures.</summary>
    public int WarmUpTexts { get; init; }

    /// <summary>The warm-up's texts were all accepted and routed, none lost or twice.</summary>
    public bool WarmUpClean { get; init; } = true;
}

/// <summary>Where a run is, for the progress bar.</summary>
public sealed record LoadProgress(int Phase, int Phases, double Rate, int Sent, int Planned, int Accepted, int CasesReceived);

/// <summary>
/// Drives a running hub with signed officer texts at given rates (open loop: texts leave on schedule whatever the hub's
/// pace), listens on every agency's subscription, and measures each phase: webhook latency, acceptance to partner,
/// referrals fully routed per second, storage requests per referral (the app's own counter), losses and duplicates.
/// Before the phases it measures the storage account's ceiling (a burst of inserts and queue sends), so the figures are
/// a share of what this machine allows; a probe watches for storage stalls throughout.
/// </summary>
public sealed class LoadRun(StackState hub, RoutingWorld world, HttpClient http)
{
    private static readonly string[] Concerns = ["spiked", "very drunk", "separated from friends", "fight", "alone and upset", "harassed"];
    private static readonly string[] Places = ["outside the station", "by the bus stops", "near the high street", "at the taxi rank", "outside the Crown"];

    public async Task<LoadReport> RunAsync(LoadOptions options, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var warmUp = options.WarmUp > TimeSpan.Zero && options.WarmUpRate > 0 ? (int)Math.Ceiling(options.WarmUpRate * options.WarmUp.TotalSeconds) : 0;
        var planned = warmUp + options.Rates.Sum(r => (int)Math.Ceiling(r * options.PhaseDuration.TotalSeconds));
        if (options.Rates.Count == 0 || options.Rates.Any(r => r <= 0) || planned > LoadOptions.MaxTexts)
        {
            throw new ArgumentException($"Rates must be positive and the run at most {LoadOptions.MaxTexts} texts (this one: {planned}).", nameof(options));
        }

        var officers = world.OfficerRosterSeed;
        if (officers.Count == 0)
        {
            throw new InvalidOperationException("routing.json has no officer roster seed: load needs officers to text from.");
        }

        var clock = Stopwatch.StartNew();
        var officerPhones = officers.Select(o => o.Phone).Distinct(StringComparer.Ordinal).ToList();
        var cases = new ConcurrentDictionary<string, List<TimeSpan>>(StringComparer.Ordinal);
        var receivedCount = 0;
        await using var bus = new ServiceBusClient(hub.ServiceBusConnectionString);
        var processors = new List<ServiceBusProcessor>();
        foreach (var agency in world.Agencies)
        {
            var processor = bus.CreateProcessor("cases", agency.Id.Value, new ServiceBusProcessorOptions { AutoCompleteMessages = true, MaxConcurrentCalls = 4, PrefetchCount = 32 });
            processor.ProcessMessageAsync += args =>
            {
                var at = clock.Elapsed;
                var times = cases.GetOrAdd(args.Message.MessageId, _ => []);
                lock (times)
                {
                    times.Add(at);
                }

                Interlocked.Increment(ref receivedCount);
                return Task.CompletedTask;
            };
            processor.ProcessErrorAsync += _ => Task.CompletedTask;
            processors.Add(processor);
        }

        foreach (var processor in processors)
        {
            await processor.StartProcessingAsync(cancellationToken);
        }

        using var watch = new StorageWatch(hub.StorageConnectionString, options.StallThreshold);
        try
        {
            var ceiling = await StorageWatch.MeasureCeilingAsync(hub.StorageConnectionString, options.CeilingBurst, cancellationToken);

            // Late answers the officers already had (an earlier run on this hub) are not this run's.
            var lateSeen = (await LateAnswersToAsync(officerPhones, cancellationToken)).ToHashSet(StringComparer.Ordinal);
            watch.Start();
            var phone = new OfficerPhone(http, hub.FunctionsBaseUrl, hub.PublicBaseUrl, hub.TwilioAccountSid, hub.TwilioAuthToken, hub.HubNumber);
            var random = new Random(options.Seed);
            var phases = new List<PhaseFigures>();
            PhaseFigures? warmed = null;
            var sentSoFar = 0;

            // Phase 0 is the warm-up (when there is one): run like the others, its figures kept out of the report.
            for (var p = warmUp > 0 ? -1 : 0; p < options.Rates.Count; p++)
            {
                var rate = p < 0 ? options.WarmUpRate : options.Rates[p];
                var count = p < 0 ? warmUp : (int)Math.Ceiling(rate * options.PhaseDuration.TotalSeconds);
                var before = await StorageCountsAsync(cancellationToken);
                var stallsBefore = watch.Stalls;
                var probesBefore = watch.ProbeCount;
                var cpuBefore = MachineCpu.Now();
                var texts = new ConcurrentBag<SentText>();
                using var inFlight = new SemaphoreSlim(options.MaxInFlight);
                var running = new List<Task>(count);
                var start = clock.Elapsed;
                for (var i = 0; i < count; i++)
                {
                    var due = start + TimeSpan.FromSeconds(i / rate);
                    if (due > clock.Elapsed)
                    {
                        await Task.Delay(due - clock.Elapsed, cancellationToken);
                    }

                    await inFlight.WaitAsync(cancellationToken);
                    var officer = officers[random.Next(officers.Count)];
                    var town = world.Towns[random.Next(world.Towns.Count)].Name;
                    var body = $"{town} {Concerns[random.Next(Concerns.Length)]} {Places[random.Next(Places.Length)]}, 07700 900{random.Next(100, 1000).ToString(CultureInfo.InvariantCulture)}, consent y";
                    running.Add(SendAsync(phone, officer.Phone, body, clock, texts, inFlight, cancellationToken));
                    progress?.Report(new LoadProgress(p + 1, options.Rates.Count, rate, sentSoFar + i + 1, planned, texts.Count(t => t.Reference is not null), Volatile.Read(ref receivedCount)));
                }

                var sendTime = clock.Elapsed - start;
                await Task.WhenAll(running);
                sentSoFar += count;

                // A text told its answer would follow is acknowledged by the late answer texted to its officer, which
                // names the referral: wait for those (within the drain), then track their referrals like the others.
                var deadline = clock.Elapsed + options.DrainTimeout;
                var accepted = texts.Where(t => t.Reference is not null).Select(t => t.Reference!).ToList();
                var told = texts.Count(t => t.AnswerFollows);
                var late = told == 0 ? [] : await LateAnswersAsync(told, officerPhones, lateSeen, deadline, clock, cancellationToken);
                lateSeen.UnionWith(late);
                var tracked = accepted.Concat(late).ToList();

                // Wait until every tracked referral has its cases (as the hub recorded them), or the drain deadline.
                var expected = await ExpectedCasesAsync(tracked, cancellationToken);
                while (clock.Elapsed < deadline && !AllArrived(expected, cases))
                {
                    progress?.Report(new LoadProgress(p + 1, options.Rates.Count, rate, sentSoFar, planned, tracked.Count, Volatile.Read(ref receivedCount)));
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                    expected = await ExpectedCasesAsync(tracked, cancellationToken);
                }

                // The advice and case alerts are sent after the cases arrive: count them with this phase, not the next.
                await QueuesEmptyAsync(deadline, clock, cancellationToken);
                var after = await StorageCountsAsync(cancellationToken);
                var cpuBusy = MachineCpu.Now()?.BusySince(cpuBefore);
                var probes = watch.ProbesSince(probesBefore);

                // A referral not at every partner by now is lost only if the hub says it routed it: one it has not
                // routed yet is still queued (the drain ended first), one flagged went to the control room by hand.
                var statuses = await StatusesAsync(expected.Where(e => e.Value.Count == 0 || !e.Value.All(cases.ContainsKey)).Select(e => e.Key), cancellationToken);
                var figures = Figures(rate, count, sendTime, start, texts, expected, cases, before, after, ceiling, probes, options.StallThreshold, statuses) with
                {
                    AnsweredLate = late.Count,
                    LateAnswersMissing = told - late.Count,
                    MachineCpuBusy = cpuBusy,
                    StorageProbe = probes.Count > 0 ? Percentiles.Of(probes) : null,
                    StorageProbeMaxMs = probes.Count > 0 ? probes.Max().TotalMilliseconds : null,
                };
                if (p < 0)
                {
                    warmed = figures;
                }
                else
                {
                    phases.Add(figures);
                }
            }

            return new LoadReport(ceiling, phases, watch.Stalls, watch.LongestStall.TotalMilliseconds, CheckedAgainst)
            {
                WarmUpTexts = warmed?.Texts ?? 0,
                WarmUpClean = warmed is null || (warmed.Accepted == warmed.Texts && warmed.FullyRouted == warmed.Accepted && warmed.Losses == 0 && warmed.Duplicates == 0),
            };
        }
        finally
        {
            foreach (var processor in processors)
            {
                await processor.StopProcessingAsync(CancellationToken.None);
                await processor.DisposeAsync();
            }
        }
    }

    private const string CheckedAgainst = "the hub's own case rows (Referrals table)";

    /// <summary>The provider's REST client (the stand-in's, or Twilio's), made on the first listing of late answers.</summary>
    private Twilio.Clients.TwilioRestClient? _provider;

    private sealed record SentText(string? Reference, TimeSpan SentAt, TimeSpan AcceptedAt, TimeSpan Webhook, bool Ok)
    {
        /// <summary>Answered in time, but with "the answer will follow by text" (the work took longer than the reply limit).</summary>
        public bool AnswerFollows { get; init; }
    }

    private static async Task SendAsync(OfficerPhone phone, string from, string body, Stopwatch clock, ConcurrentBag<SentText> texts, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        var sentAt = clock.Elapsed;
        try
        {
            var reply = await phone.TextAsync(from, body, cancellationToken);
            texts.Add(new SentText(reply.Reference?.ToString(), sentAt, clock.Elapsed, reply.Elapsed, reply.Succeeded)
            {
                AnswerFollows = reply.Succeeded && reply.Reference is null && reply.Message == OfficerReplies.AnswerFollows,
            });
        }
        catch (HttpRequestException)
        {
            texts.Add(new SentText(null, sentAt, clock.Elapsed, clock.Elapsed - sentAt, false));
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>The case MessageIds the hub recorded for each tracked referral (night/ref/agency), read from its table.</summary>
    private async Task<Dictionary<string, IReadOnlyList<string>>> ExpectedCasesAsync(IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        var table = new TableClient(hub.StorageConnectionString, "Referrals");
        var byReference = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var wanted = references.ToHashSet(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {hub.Night} and RowKey ge {"C|"} and RowKey lt {"C}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            var parts = row.RowKey.Split('|');
            if (parts.Length == 3 && wanted.Contains(parts[1]))
            {
                (byReference.TryGetValue(parts[1], out var list) ? list : byReference[parts[1]] = []).Add($"{hub.Night}/{parts[1]}/{parts[2]}");
            }
        }

        return wanted.ToDictionary(r => r, r => (IReadOnlyList<string>)(byReference.GetValueOrDefault(r) ?? []), StringComparer.Ordinal);
    }

    /// <summary>
    /// The references named by late answers texted to the load's officers and not in <paramref name="seen"/> (earlier
    /// phases', or there before the run), waiting until there are <paramref name="told"/> of them or the deadline.
    /// </summary>
    private async Task<IReadOnlyList<string>> LateAnswersAsync(int told, IReadOnlyList<string> officerPhones, HashSet<string> seen, TimeSpan deadline, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var found = (await LateAnswersToAsync(officerPhones, cancellationToken)).Where(r => !seen.Contains(r)).ToList();
            if (found.Count >= told || clock.Elapsed >= deadline)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    /// <summary>
    /// The references named by every late answer (<see cref="OfficerReplies.LatePrefix"/>) the provider holds for the
    /// officers' numbers: the stand-in's message list, or Twilio's for a deployed hub, read with Twilio's own client.
    /// </summary>
    private async Task<HashSet<string>> LateAnswersToAsync(IReadOnlyList<string> officerPhones, CancellationToken cancellationToken)
    {
        // One client for the run: each listing would otherwise open its own connections.
        var client = _provider ??= StandInMessages.Client(hub.TwilioBaseUrl, hub.TwilioAccountSid, hub.TwilioAuthToken);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phone in officerPhones)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var messages = await MessageResource.ReadAsync(to: new Twilio.Types.PhoneNumber(phone), client: client);
            found.UnionWith(messages.Select(m => LateAnswerReference(m.Body)).OfType<string>());
        }

        return found;
    }

    /// <summary>The reference a late answer names ("(Delayed answer) NightSafe ref 7KQ2MX: ..."), or null for any other text.</summary>
    public static string? LateAnswerReference(string? body) =>
        body is not null && body.StartsWith(OfficerReplies.LatePrefix, StringComparison.Ordinal)
            ? OfficerPhone.ReferenceIn(body[OfficerReplies.LatePrefix.Length..])?.ToString()
            : null;

    /// <summary>
    /// What became of an accepted referral by the end of its phase's drain, from the cases the hub recorded for it, how
    /// many of them no partner received, and its status as stored (null: no row).
    /// </summary>
    public static ReferralFate FateOf(int recordedCases, int missingAtPartners, string? status) =>
        recordedCases > 0 && missingAtPartners == 0 ? ReferralFate.Arrived
        : status == nameof(ReferralStatus.Received) ? ReferralFate.NotYetRouted
        : status == nameof(ReferralStatus.NeedsManualRouting) ? ReferralFate.Flagged
        // Routed (or gone) with a case no partner received, or accepted with no case and no row.
        : ReferralFate.Lost;

    /// <summary>Each referral's status as the hub stored it (null when it has no row).</summary>
    private async Task<IReadOnlyDictionary<string, string?>> StatusesAsync(IEnumerable<string> references, CancellationToken cancellationToken)
    {
        var table = new TableClient(hub.StorageConnectionString, "Referrals");
        var statuses = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var reference in references)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(hub.Night, "R|" + reference, ["Status"], cancellationToken);
            statuses[reference] = row.HasValue ? row.Value!.GetString("Status") : null;
        }

        return statuses;
    }

    /// <summary>Waits (until <paramref name="deadline"/>) for the routing and outbound SMS queues to hold nothing.</summary>
    private async Task QueuesEmptyAsync(TimeSpan deadline, Stopwatch clock, CancellationToken cancellationToken)
    {
        var queues = new[] { QueueNames.Routing, QueueNames.OutboundSms }.Select(q => new QueueClient(hub.StorageConnectionString, q)).ToList();
        while (clock.Elapsed < deadline)
        {
            var waiting = 0;
            foreach (var queue in queues)
            {
                waiting += (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
            }

            if (waiting == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static bool AllArrived(Dictionary<string, IReadOnlyList<string>> expected, ConcurrentDictionary<string, List<TimeSpan>> cases) =>
        expected.Values.All(ids => ids.Count > 0 && ids.All(cases.ContainsKey));

    private async Task<IReadOnlyDictionary<string, long>?> StorageCountsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(hub.FunctionsBaseUrl, "api/diagnostics/storage"));
        request.Headers.Add("x-functions-key", hub.MasterKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<StorageCountsBody>(cancellationToken);
        return body?.Requests is { } requests ? new Dictionary<string, long>(requests) { ["work"] = body.Work } : null;
    }

    private sealed record StorageCountsBody(long Work, Dictionary<string, long>? Requests);

    private static PhaseFigures Figures(
        double rate,
        int count,
        TimeSpan sendTime,
        TimeSpan start,
        ConcurrentBag<SentText> texts,
        Dictionary<string, IReadOnlyList<string>> expected,
        ConcurrentDictionary<string, List<TimeSpan>> cases,
        IReadOnlyDictionary<string, long>? before,
        IReadOnlyDictionary<string, long>? after,
        StorageCeiling? ceiling,
        IReadOnlyList<TimeSpan> probes,
        TimeSpan stallThreshold,
        IReadOnlyDictionary<string, string?> statuses)
    {
        var accepted = texts.Where(t => t.Reference is not null).ToDictionary(t => t.Reference!, StringComparer.Ordinal);
        var toPartner = new List<TimeSpan>();
        var fullyRouted = 0;
        var losses = 0;
        var unfinished = 0;
        var flagged = 0;
        var duplicates = 0;
        var lastArrival = start;
        foreach (var (reference, ids) in expected)
        {
            var complete = ids.Count > 0;
            var missing = 0;
            foreach (var id in ids)
            {
                if (!cases.TryGetValue(id, out var times))
                {
                    complete = false;
                    missing++;
                    continue;
                }

                lock (times)
                {
                    duplicates += times.Count - 1;
                    if (accepted.TryGetValue(reference, out var text))
                    {
                        toPartner.Add(times[0] - text.AcceptedAt);
                    }

                    lastArrival = times[0] > lastArrival ? times[0] : lastArrival;
                }
            }

            fullyRouted += complete ? 1 : 0;
            switch (FateOf(ids.Count, missing, statuses.GetValueOrDefault(reference)))
            {
                case ReferralFate.NotYetRouted:
                    unfinished++;
                    break;
                case ReferralFate.Flagged:
                    flagged++;
                    break;
                case ReferralFate.Lost:
                    losses += Math.Max(missing, 1);
                    break;
            }
        }

        double? perReferral = null;
        Dictionary<string, long>? spent = null;
        if (before is not null && after is not null && expected.Count > 0)
        {
            spent = after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key), StringComparer.Ordinal);
            // Every tracked referral cost its requests, those answered late by text among them.
            perReferral = spent.GetValueOrDefault("work") / (double)expected.Count;
        }

        var arrivals = new List<(string Agency, string Reference, TimeSpan Arrived)>();
        foreach (var (reference, ids) in expected.Where(e => accepted.ContainsKey(e.Key)))
        {
            foreach (var id in ids)
            {
                if (cases.TryGetValue(id, out var times))
                {
                    lock (times)
                    {
                        arrivals.Add((id[(id.LastIndexOf('/') + 1)..], reference, times[0]));
                    }
                }
            }
        }

        var overtaken = CaseOrder.MostOvertaken(arrivals, accepted.ToDictionary(a => a.Key, a => (a.Value.SentAt, a.Value.AcceptedAt), StringComparer.Ordinal));
        var routedPerSecond = fullyRouted / Math.Max((lastArrival - start).TotalSeconds, 0.001);
        double? bound = ceiling is not null && perReferral is > 0 ? ceiling.RequestsPerSecond / perReferral : null;
        return new PhaseFigures(
            rate,
            count / Math.Max(sendTime.TotalSeconds, 0.001),
            count,
            accepted.Count,
            texts.Count(t => t.Reference is null && !t.AnswerFollows),
            Percentiles.Of(texts.Where(t => t.Ok).Select(t => t.Webhook)),
            Percentiles.Of(toPartner),
            routedPerSecond,
            fullyRouted,
            perReferral,
            spent,
            bound,
            bound is > 0 ? routedPerSecond / bound : null,
            losses,
            duplicates,
            probes.Count(t => t >= stallThreshold),
            probes.Where(t => t >= stallThreshold).Select(t => t.TotalMilliseconds).DefaultIfEmpty(0).Max(),
            overtaken,
            Unfinished: unfinished,
            FlaggedForManualRouting: flagged);
    }
}
