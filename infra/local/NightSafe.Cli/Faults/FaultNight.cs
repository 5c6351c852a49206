using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Partners;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using NightSafe.FunctionsHost.Worker;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Faults;

/// <summary>One fault a fault run injects into the offline stack.</summary>
public enum Fault
{
    /// <summary>The Service Bus emulator drops every connection and refuses new ones for <see cref="FaultOptions.Outage"/>.</summary>
    ServiceBusOutage,

    /// <summary>The Functions worker process is killed once mid-burst; the dev host's supervisor starts a new one.</summary>
    WorkerKilled,

    /// <summary>The Twilio stand-in answers no API request for most of <see cref="FaultOptions.Outage"/>, then refuses connections for the rest.</summary>
    TwilioOutage,

    /// <summary>Azurite (tables and queues) stops answering for <see cref="FaultOptions.Outage"/>: requests hang, none is refused.</summary>
    StorageOutage,
}

/// <summary>How a fault run goes: which faults, one after the other, and how many officer texts each gets.</summary>
public sealed record FaultOptions
{
    public IReadOnlyList<Fault> Faults { get; init; } = [Fault.ServiceBusOutage, Fault.WorkerKilled, Fault.TwilioOutage, Fault.StorageOutage];

    /// <summary>Signed referral texts sent while each fault is on (each with its own subject number and consent).</summary>
    public int TextsPerFault { get; init; } = 20;

    /// <summary>How long the Service Bus and Twilio outages last.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Texts in flight at once during the worker's burst.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>Webhook attempts per text with the same MessageSid, as Twilio retries a webhook that failed.</summary>
    public int WebhookAttempts { get; init; } = 5;

    /// <summary>Longest wait, after the last fault, for every referral, case and SMS to settle.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(150);

    public int Seed { get; init; } = 20261218;
}

/// <summary>One officer text of a fault run and what became of it at the webhook.</summary>
/// <param name="From">The officer's number (never printed).</param>
/// <param name="AnswerFollows">The webhook answered that the answer would follow by text (the hub was too slow to answer).</param>
public sealed record FaultText(Fault During, string SubjectPhone, string? Reference, int Attempts, string? LastProblem, string? From = null, bool AnswerFollows = false);

/// <summary>A case message one agency took off its subscription (each delivery, redeliveries included).</summary>
public sealed record CaseDelivery(string Subscription, string MessageId, long SequenceNumber, int DeliveryCount);

/// <summary>What one fault did, in figures.</summary>
public sealed record FaultFigures(
    Fault Fault,
    int Texts,
    int Acknowledged,
    int WebhookRetries,
    int Referrals,
    int Routed,
    int FlaggedForManualRouting,
    int AdviceDelivered,
    int AdviceFailed,
    TimeSpan InjectedFor);

/// <summary>A finished fault run: each fault's figures, the whole run's, and every invariant that broke.</summary>
public sealed record FaultReport(
    IReadOnlyList<FaultFigures> Faults,
    IReadOnlyList<string> Failures,
    int CasesReceived,
    int CaseRedeliveries,
    int PartnerReceiveErrors,
    int SmsSent,
    int TwilioRequestsDropped,
    int WorkerStarts,
    TimeSpan Elapsed)
{
    /// <summary>Texts whose every webhook attempt went unacknowledged: the fault each was sent under, attempts, last problem (no numbers).</summary>
    public IReadOnlyList<string> Unacknowledged { get; init; } = [];

    /// <summary>Referrals stored for texts the officer never got a reference for.</summary>
    public int StoredUnacknowledged { get; init; }

    /// <summary>Advice SMS whose final delivery report the hub never took, and where each ended in the hub.</summary>
    public IReadOnlyList<LostDeliveryReport> LostDeliveryReports { get; init; } = [];

    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// Runs a short night through a running <see cref="OfflineHub"/> while faults are injected one after the other: the
/// Service Bus emulator paused mid-night, the worker killed mid-burst, the Twilio stand-in paused. Officers text as
/// Twilio delivers (signed; a failed webhook retried with the same MessageSid), every agency listens on its own
/// subscription; once the night has drained the invariants are checked from the outside (<see cref="FaultChecks"/>).
/// Give it a hub of its own: every referral of the night is accounted for.
/// </summary>
public sealed class FaultNight(OfflineHub stack, HttpClient http)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(15);
    private static readonly string[] Concerns = ["spiked", "very drunk", "separated from friends", "head injury", "alone and upset", "harassed", "needs a lift home"];
    private static readonly string[] Places = ["outside the station", "by the bus stops", "near the high street", "at the taxi rank", "outside the Crown"];

    public async Task<FaultReport> RunAsync(FaultOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TextsPerFault, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WebhookAttempts, 1);
        var clock = Stopwatch.StartNew();
        var world = stack.World;
        var officers = world.OfficerRosterSeed;
        var phone = new OfficerPhone(http, stack.Functions.BaseUrl, stack.PublicBaseUrl, stack.Twilio.AccountSid, stack.Twilio.AuthToken, OfflineHub.HubNumber) { GivesUpLikeTwilio = true };
        var hub = new HubApi(http, stack.Functions.BaseUrl, stack.ControlRoomKey, stack.Functions.MasterKey);
        var subjects = new Queue<string>(SubjectNumbers(world));
        var random = new Random(options.Seed);
        var texts = new ConcurrentQueue<FaultText>();
        var injected = new Dictionary<Fault, TimeSpan>();
        var deliveries = new ConcurrentQueue<CaseDelivery>();
        var receiveErrors = 0;

        await using var bus = new ServiceBusClient(stack.ServiceBus.ConnectionString, new ServiceBusClientOptions
        {
            // Partners reconnect promptly once the broker is back, as a real partner's client would.
            RetryOptions = new ServiceBusRetryOptions { Mode = ServiceBusRetryMode.Fixed, Delay = TimeSpan.FromMilliseconds(500), MaxRetries = 3, TryTimeout = TimeSpan.FromSeconds(10) },
        });
        var processors = new List<ServiceBusProcessor>();
        foreach (var agency in world.Agencies)
        {
            var subscription = agency.Id.Value;
            var processor = bus.CreateProcessor("cases", subscription, new ServiceBusProcessorOptions { AutoCompleteMessages = true, MaxConcurrentCalls = 2 });
            processor.ProcessMessageAsync += args =>
            {
                deliveries.Enqueue(new CaseDelivery(subscription, args.Message.MessageId, args.Message.SequenceNumber, args.Message.DeliveryCount));
                return Task.CompletedTask;
            };
            processor.ProcessErrorAsync += _ =>
            {
                Interlocked.Increment(ref receiveErrors);
                return Task.CompletedTask;
            };
            processors.Add(processor);
        }

        try
        {
            foreach (var processor in processors)
            {
                await processor.StartProcessingAsync(cancellationToken);
            }

            // The app seeds its roster one officer at a time as it starts and the texts come from any of them: the night
            // starts once every one is on the roster (or the run fails saying so), and once texts are answered as an officer's.
            await RosterReadiness.WaitAsync(officers, hub.RosterCollarsAsync, TimeSpan.FromSeconds(60), PollInterval, cancellationToken);
            await WaitForOfficerAnswerAsync(phone, officers[0].Phone, cancellationToken);
            var workerStartsBefore = stack.Functions.WorkerStarts;
            foreach (var fault in options.Faults)
            {
                progress?.Report($"{Describe(fault)}: {options.TextsPerFault} texts");
                var batch = Enumerable.Range(0, options.TextsPerFault).Select(_ => NextText(fault, subjects, officers, world, random)).ToList();
                var started = clock.Elapsed;
                injected[fault] = fault switch
                {
                    Fault.ServiceBusOutage => await DuringOutageAsync(batch, options, phone, texts, () => stack.ServiceBus.PauseForAsync(options.Outage, cancellationToken), cancellationToken),
                    Fault.TwilioOutage => await DuringOutageAsync(batch, options, phone, texts, () => TwilioOutageAsync(options.Outage, cancellationToken), cancellationToken),
                    Fault.StorageOutage => await DuringOutageAsync(batch, options, phone, texts, () => stack.Azurite.PauseForAsync(options.Outage, cancellationToken), cancellationToken),
                    _ => await WithWorkerKilledAsync(batch, options, phone, texts, cancellationToken),
                };
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"{Describe(fault)}: done in {(clock.Elapsed - started).TotalSeconds:0} s"));
            }

            progress?.Report("Waiting for the night to drain");
            var referrals = await DrainAsync(hub, deliveries, options.DrainTimeout, cancellationToken);
            var sms = stack.Twilio.Messages;
            var run = new FaultRun(stack.World, stack.Night.ToString(), FaultChecks.WithLateAnswers([.. texts], referrals, sms), referrals, [.. deliveries], sms);
            var failures = FaultChecks.Failures(run);
            var figures = options.Faults.Select(f => FaultChecks.Figures(run, f, injected.GetValueOrDefault(f))).ToList();
            return new FaultReport(
                figures,
                failures,
                run.Deliveries.Select(d => (d.Subscription, d.MessageId)).Distinct().Count(),
                run.Deliveries.Count(d => d.DeliveryCount > 1),
                Volatile.Read(ref receiveErrors),
                run.Sms.Count,
                stack.Twilio.DroppedDuringOutages,
                stack.Functions.WorkerStarts - workerStartsBefore,
                clock.Elapsed)
            {
                Unacknowledged = [.. run.Texts.Where(t => t.Reference is null).Select(t => $"{Describe(t.During)}: {t.Attempts} attempt(s), last {t.LastProblem}")],
                StoredUnacknowledged = FaultChecks.StoredUnacknowledged(run).Count,
                LostDeliveryReports = FaultChecks.LostDeliveryReports(run),
            };
        }
        finally
        {
            // No outage outlives the run, whatever ended it.
            await stack.Azurite.ResumeAsync();
            stack.ServiceBus.Resume();
            stack.Twilio.Resume();
            await stack.Twilio.ListenAgainAsync();
            foreach (var processor in processors)
            {
                await processor.StopProcessingAsync(CancellationToken.None);
                await processor.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Twilio down: for seven tenths of the outage it answers nothing (longer than the app's 10 s attempt timeout at 20 s,
    /// so the app gives up on some requests), then it refuses connections.
    /// </summary>
    private async Task TwilioOutageAsync(TimeSpan outage, CancellationToken cancellationToken)
    {
        var silent = outage * 0.7;
        await stack.Twilio.PauseForAsync(silent, cancellationToken);
        await stack.Twilio.RefuseConnectionsForAsync(outage - silent, cancellationToken);
    }

    /// <summary>One lost delivery report, as the run prints it (reference codes only).</summary>
    public static string Describe(LostDeliveryReport lost)
    {
        ArgumentNullException.ThrowIfNull(lost);
        var during = lost.During is { } f ? Describe(f) : "no fault";
        return $"Delivery report lost: {lost.Reference} ({during}) {lost.TwilioStatus} at Twilio, its callback got {lost.CallbackAnswer}; advice ended {lost.AdviceState} in the hub";
    }

    public static string Describe(Fault fault) => fault switch
    {
        Fault.ServiceBusOutage => "Service Bus paused",
        Fault.WorkerKilled => "worker killed mid-burst",
        Fault.StorageOutage => "storage paused",
        _ => "Twilio paused",
    };

    private sealed record PlannedText(Fault During, string From, string Body, string SubjectPhone);

    private static PlannedText NextText(Fault fault, Queue<string> subjects, IReadOnlyList<Core.World.RosterOfficer> officers, Core.World.RoutingWorld world, Random random)
    {
        var officer = officers[random.Next(officers.Count)];
        var town = world.Towns[random.Next(world.Towns.Count)].Name;
        var subject = subjects.Dequeue();
        var national = "0" + subject[3..];
        return new PlannedText(fault, officer.Phone, $"{town} {Concerns[random.Next(Concerns.Length)]} {Places[random.Next(Places.Length)]}, {national[..5]} {national[5..]}, consent y", subject);
    }

    /// <summary>Numbers of the drama range no officer, duty phone, inspector or scripted stand-in number uses: one per text.</summary>
    private static IEnumerable<string> SubjectNumbers(Core.World.RoutingWorld world)
    {
        var taken = world.OfficerRosterSeed.Select(o => o.Phone)
            .Concat(world.Agencies.SelectMany(a => a.DutyPhones))
            .Concat(world.DutyInspectors.Select(i => i.Phone))
            .Concat(TwilioStandInOptions.DefaultNumbers.Keys)
            .ToHashSet(StringComparer.Ordinal);
        return Enumerable.Range(400, 400).Select(n => string.Create(CultureInfo.InvariantCulture, $"+447700900{n}")).Where(n => !taken.Contains(n));
    }

    /// <summary>Texts paced over a little more than the outage, which starts after the first fifth of them and ends by itself.</summary>
    private static async Task<TimeSpan> DuringOutageAsync(
        IReadOnlyList<PlannedText> batch, FaultOptions options, OfficerPhone phone, ConcurrentQueue<FaultText> texts, Func<Task> outage, CancellationToken cancellationToken)
    {
        var interval = options.Outage * 1.25 / batch.Count;
        var startAt = batch.Count / 5;
        var sending = new List<Task>();
        Task? injected = null;
        var outageClock = new Stopwatch();
        for (var i = 0; i < batch.Count; i++)
        {
            if (i == startAt)
            {
                outageClock.Start();
                injected = outage();
            }

            sending.Add(TextAsync(batch[i], options, phone, texts, cancellationToken));
            await Task.Delay(interval, cancellationToken);
        }

        await Task.WhenAll(sending);
        if (injected is not null)
        {
            await injected;
        }

        return outageClock.Elapsed;
    }

    /// <summary>A burst of texts; once a third have been answered the worker process is killed, and the supervisor must start another.</summary>
    private async Task<TimeSpan> WithWorkerKilledAsync(
        IReadOnlyList<PlannedText> batch, FaultOptions options, OfficerPhone phone, ConcurrentQueue<FaultText> texts, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.Parallelism);
        var answered = 0;
        var killAt = batch.Count / 3;
        var starts = stack.Functions.WorkerStarts;
        var down = new Stopwatch();
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = batch.Select(async text =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await TextAsync(text, options, phone, texts, cancellationToken);
            }
            finally
            {
                gate.Release();
            }

            if (Interlocked.Increment(ref answered) == killAt)
            {
                down.Start();
                KillWorker();
                killed.TrySetResult();
            }
        }).ToList();

        await Task.WhenAll(sending);
        await killed.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!(stack.Functions.WorkerStarts > starts && stack.Functions.State == FunctionsHostState.Running))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The Functions host did not start a new worker within 90 s of the kill.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return down.Elapsed;
    }

    private void KillWorker()
    {
        var pid = stack.Functions.WorkerProcessId ?? throw new InvalidOperationException("The Functions host reports no worker process.");
        using var worker = Process.GetProcessById(pid);
        worker.Kill();
    }

    /// <summary>One text, retried with its MessageSid (as Twilio retries a webhook) while the hub fails to answer it.</summary>
    private static async Task TextAsync(PlannedText text, FaultOptions options, OfficerPhone phone, ConcurrentQueue<FaultText> texts, CancellationToken cancellationToken)
    {
        var sid = TwilioSid.New("SM");
        string? problem = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await phone.TextAsync(text.From, text.Body, sid, cancellationToken);
                if (reply.Succeeded)
                {
                    var follows = reply.Reference is null && reply.Message == Core.Intake.OfficerReplies.AnswerFollows;
                    texts.Enqueue(new FaultText(text.During, text.SubjectPhone, reply.Reference?.ToString(), attempt, reply.Reference is null ? $"reply \"{reply.Message}\"" : null, text.From, follows));
                    return;
                }

                problem = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)reply.Status}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                problem = ex.GetType().Name;
            }

            // Twilio retries a webhook only when told to (a connection override); the storage fault sends each text once, so
            // the officer's one answer is all they get, as with Twilio's defaults.
            if (attempt >= (text.During == Fault.StorageOutage ? 1 : options.WebhookAttempts))
            {
                texts.Enqueue(new FaultText(text.During, text.SubjectPhone, null, attempt, problem, text.From));
                return;
            }

            // 1, 2, 4, 8 s: long enough together to outlast a worker's restart.
            await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), cancellationToken);
        }
    }

    private static async Task WaitForOfficerAnswerAsync(OfficerPhone phone, string officer, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var reply = await phone.TextAsync(officer, "HELP", cancellationToken);
            if (reply.Succeeded && reply.Message != Core.Intake.OfficerReplies.Neutral)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("A rostered officer's HELP was still not answered as an officer's after 60 s.");
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until every referral of the night (read from the hub's own table, acknowledged or not) is routed or flagged
    /// for manual routing, its advice settled and its cases received, and every SMS settled; or the deadline.
    /// </summary>
    private async Task<IReadOnlyList<ReferralView>> DrainAsync(HubApi hub, ConcurrentQueue<CaseDelivery> deliveries, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var night = stack.Night.ToString();
        var table = new TableClient(stack.Azurite.ConnectionString, "Referrals");
        var views = new ConcurrentDictionary<string, ReferralView>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        var swept = DateTime.MinValue;
        while (true)
        {
            var references = await ReferencesAsync(table, night, cancellationToken);
            var received = deliveries.Select(d => d.MessageId).ToHashSet(StringComparer.Ordinal);
            var pending = references.Where(r => !views.TryGetValue(r, out var v) || !Settled(v, received)).ToList();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (reference, ct) =>
            {
                if (await hub.ReadReferralAsync(night, reference, ct) is { } view)
                {
                    views[reference] = view;
                }
            });

            var sms = stack.Twilio.Messages;
            var done = references.All(r => views.TryGetValue(r, out var v) && Settled(v, received)) && sms.All(m => m.IsSettled);
            if (done || DateTime.UtcNow > deadline)
            {
                return [.. references.Where(views.ContainsKey).Select(r => views[r])];
            }

            // An advice still Sent whose final report Twilio posted and the hub did not take waits for the app's sweep
            // (every two minutes) to ask Twilio: run it now and then, as its timer would, so the drain need not wait for it.
            if (DateTime.UtcNow - swept > SweepEvery && views.Values.Any(v => v.AdviceState == "Sent" && sms.Any(m => m.Sid == v.AdviceMessageId && m.IsSettled)))
            {
                swept = DateTime.UtcNow;
                await hub.RunFunctionAsync("ReceivedSweep", string.Empty, cancellationToken);
            }

            await Task.Delay(PollInterval * 2, cancellationToken);
        }

        static bool Settled(ReferralView view, HashSet<string> received) =>
            FaultChecks.RoutedOrFlagged(view)
            && FaultChecks.AdviceSettled(view)
            && view.Cases.All(c => received.Contains($"{view.Night}/{view.Reference}/{c.Agency}"));
    }

    private static async Task<List<string>> ReferencesAsync(TableClient table, string night, CancellationToken cancellationToken)
    {
        var references = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {night} and RowKey ge {"R|"} and RowKey lt {"R}"}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            references.Add(row.RowKey[2..]);
        }

        return references;
    }
}
