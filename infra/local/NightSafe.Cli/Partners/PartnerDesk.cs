using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Azure.Messaging.ServiceBus;
using NightSafe.Cli.Sms;
using NightSafe.TwilioStandIn;

namespace NightSafe.Cli.Partners;

/// <summary>An outcome a partner reported (through the API or by SMS), and what the hub answered.</summary>
/// <param name="Reply">For an SMS answer: the hub's reply text.</param>
public sealed record ReportedOutcome(string Agency, string Night, string Reference, string Outcome, HttpStatusCode Status, string? Reply = null);

/// <summary>How a played agency answers its cases.</summary>
public enum PartnerAnswers
{
    /// <summary>Through the partner API with its key.</summary>
    ThroughApi,

    /// <summary>By SMS from its duty phone, once the case alert has reached that phone.</summary>
    BySms,

    /// <summary>Not at all: its cases go unanswered until the hub escalates them (or the referral is closed).</summary>
    Never,
}

/// <summary>How a played agency answers its cases.</summary>
/// <param name="DeclineShare">The share of cases declined (the rest are accepted, then closed).</param>
/// <param name="ShortestDelay">Least time between receiving a case and answering it.</param>
/// <param name="LongestDelay">Most time between receiving a case and answering it.</param>
public sealed record PartnerBehaviour(double DeclineShare, TimeSpan ShortestDelay, TimeSpan LongestDelay)
{
    public static PartnerBehaviour Default { get; } = new(0.15, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300));

    public PartnerAnswers Answers { get; init; } = PartnerAnswers.ThroughApi;

    /// <summary>Least time between accepting a case and closing it (the work itself).</summary>
    public TimeSpan ShortestWork { get; init; }

    /// <summary>Most time between accepting a case and closing it.</summary>
    public TimeSpan LongestWork { get; init; }

    /// <summary>It answers only after the hub has reminded it (its first acknowledgement deadline passed unanswered).</summary>
    public bool Late { get; init; }

    /// <summary>How the agency is played, in plain words.</summary>
    public string Describe() => Answers switch
    {
        PartnerAnswers.Never => "never answers",
        PartnerAnswers.BySms => Late ? "answers by SMS, late" : "answers by SMS",
        _ => Late ? "answers through the API, late" : "answers through the API",
    };
}

/// <summary>An agency's duty phone as the demo plays it: the case alerts the Twilio stand-in holds for it, and signed texts back.</summary>
public sealed class DutyPhone(OfficerPhone hub, TwilioStandInServer standIn, string number)
{
    public string Number => number;

    /// <summary>Whether the case's alert ("NightSafe REF ... Reply ACC REF ...") has reached this phone.</summary>
    public bool HasAlert(string reference) =>
        standIn.Messages.Any(m => m.To == number && m.Body.StartsWith($"NightSafe {reference} ", StringComparison.Ordinal) && m.Body.Contains($"Reply ACC {reference}", StringComparison.Ordinal));

    public Task<OfficerReply> TextAsync(string body, CancellationToken cancellationToken) => hub.TextAsync(number, body, cancellationToken);
}

/// <summary>
/// Plays one partner agency: takes cases off its own subscription of topic <c>cases</c>, and after a delay answers
/// (accept, then close after the work; or decline) through the partner API with its own key or by SMS from its duty
/// phone, or never. A referral it hears is over (<c>case-closed</c>) is not answered or closed any more. Keeps what it
/// received.
/// </summary>
public sealed class PartnerDesk : IAsyncDisposable
{
    public const string CasesTopic = "cases";

    /// <summary>The longest a late agency waits for its reminder once its own delay has passed.</summary>
    public static readonly TimeSpan LongestReminderWait = TimeSpan.FromSeconds(30);

    private readonly ServiceBusProcessor _processor;
    private readonly HubApi _hub;
    private readonly string _key;
    private readonly PartnerBehaviour _behaviour;
    private readonly SemaphoreSlim _apiGate;
    private readonly Stopwatch _clock;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly ConcurrentQueue<ReceivedCase> _received = new();
    private readonly ConcurrentQueue<ReportedOutcome> _reports = new();
    private readonly ConcurrentQueue<string> _cancellations = new();
    private readonly ConcurrentDictionary<string, bool> _over = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reminded = new(StringComparer.Ordinal);
    private readonly DutyPhone? _phone;
    private readonly ConcurrentQueue<string> _updates = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _answeringGate = new();
    private readonly List<Task> _answering = [];
    private int _busy;

    public PartnerDesk(ServiceBusClient client, string agency, string key, HubApi hub, PartnerBehaviour behaviour, SemaphoreSlim apiGate, Stopwatch clock, int seed, DutyPhone? phone = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(behaviour);
        if (behaviour.Answers == PartnerAnswers.BySms && phone is null)
        {
            throw new ArgumentException($"{agency} answers by SMS but has no duty phone.", nameof(phone));
        }

        _phone = phone;
        Agency = agency;
        _key = key;
        _hub = hub;
        _behaviour = behaviour;
        _apiGate = apiGate;
        _clock = clock;
        _random = new Random(seed);
        _processor = client.CreateProcessor(CasesTopic, agency, new ServiceBusProcessorOptions
        {
            AutoCompleteMessages = true,
            MaxConcurrentCalls = 2,
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
        });
        _processor.ProcessMessageAsync += OnCaseAsync;
        _processor.ProcessErrorAsync += OnErrorAsync;
    }

    public string Agency { get; }

    public PartnerBehaviour Behaviour => _behaviour;

    public IReadOnlyList<ReceivedCase> Received => [.. _received];

    public IReadOnlyList<ReportedOutcome> Reports => [.. _reports];

    /// <summary>The MessageIds of the <c>case-closed</c> messages received: referrals it had that are over.</summary>
    public IReadOnlyList<string> Cancellations => [.. _cancellations];

    /// <summary>MessageIds of the case-updated messages received (an officer added to a case this agency has).</summary>
    public IReadOnlyList<string> Updates => [.. _updates];

    /// <summary>Receive or processing errors the SDK reported (a healthy night has none).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Cases taken but not yet answered.</summary>
    public int Busy => Volatile.Read(ref _busy);

    public Task StartAsync(CancellationToken cancellationToken) => _processor.StartProcessingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _processor.StopProcessingAsync();
            await _stopping.CancelAsync();
            Task[] answering;
            lock (_answeringGate)
            {
                answering = [.. _answering];
            }

            await Task.WhenAll(answering);
        }
        finally
        {
            await _processor.DisposeAsync();
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Takes the case off the subscription at once (so its arrival time is the hub's doing, not a busy partner's) and
    /// answers it in the background.
    /// </summary>
    private Task OnCaseAsync(ProcessMessageEventArgs args)
    {
        // A referral this agency had is over: nothing to answer (a partner stops work on it).
        if (args.Message.Subject == "case-closed")
        {
            _cancellations.Enqueue(args.Message.MessageId);
            _over[CaseOf(args.Message.MessageId, "/closed")] = true;
            return Task.CompletedTask;
        }

        // Still unanswered at the first deadline: a late agency answers now (see RemindedAsync).
        if (args.Message.Subject == "case-reminder")
        {
            _reminded[CaseOf(args.Message.MessageId, "/reminder")] = true;
            return Task.CompletedTask;
        }

        // The officer added to a case this agency already has: not a new case to answer.
        if (args.Message.Subject == "case-updated")
        {
            _updates.Enqueue(args.Message.MessageId);
            return Task.CompletedTask;
        }

        var received = ReceivedCase.From(Agency, args.Message, _clock.Elapsed);
        _received.Enqueue(received);
        if (received.Night is not { } night || received.Reference is not { } reference)
        {
            _errors.Enqueue($"{Agency}: case {args.Message.MessageId} has no night or reference.");
            return Task.CompletedTask;
        }

        if (_behaviour.Answers == PartnerAnswers.Never)
        {
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _busy);
        var answer = AnswerAsync(night, reference, _stopping.Token);
        lock (_answeringGate)
        {
            _answering.RemoveAll(t => t.IsCompleted);
            _answering.Add(answer);
        }

        return Task.CompletedTask;
    }

    private async Task AnswerAsync(string night, string reference, CancellationToken cancellationToken)
    {
        try
        {
            var (decline, delay, work) = Decide();
            if (_phone is not null && _behaviour.Answers == PartnerAnswers.BySms && !await AlertedAsync(night, reference, cancellationToken))
            {
                return;
            }

            await Task.Delay(delay, cancellationToken);
            if (_behaviour.Late && !await RemindedAsync(night, reference, cancellationToken))
            {
                return;
            }

            string[] outcomes = decline ? ["declined"] : ["accepted", "closed"];
            foreach (var outcome in outcomes)
            {
                if (outcome == "closed")
                {
                    await Task.Delay(work, cancellationToken);
                }

                // A partner told the referral is over stops: nothing to answer, nothing to close.
                if (_over.ContainsKey($"{night}/{reference}/{Agency}"))
                {
                    break;
                }

                var (status, reply) = await ReportAsync(night, reference, outcome, cancellationToken);
                if (status is null)
                {
                    break;
                }

                _reports.Enqueue(new ReportedOutcome(Agency, night, reference, outcome, status.Value, reply));
                if (status != HttpStatusCode.OK)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The night was stopped before this case was answered.
        }
        finally
        {
            Interlocked.Decrement(ref _busy);
        }
    }

    /// <summary>
    /// Waits for the case alert on the duty phone. A referral closed before its cases were alerted gets no alert (the
    /// hub texts nobody about a referral that is over), only its <c>case-closed</c> message: then there is nothing to do.
    /// </summary>
    private async Task<bool> AlertedAsync(string night, string reference, CancellationToken cancellationToken)
    {
        var deadline = _clock.Elapsed + TimeSpan.FromSeconds(30);
        while (!_phone!.HasAlert(reference))
        {
            if (_over.ContainsKey($"{night}/{reference}/{Agency}"))
            {
                return false;
            }

            if (_clock.Elapsed > deadline)
            {
                _errors.Enqueue($"{Agency}: the case alert SMS for {night}/{reference} never reached its duty phone.");
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// A late agency answers once the hub has reminded it: the <c>case-reminder</c> message on its subscription. False
    /// when it hears the referral is over first (nothing to answer); after <see cref="LongestReminderWait"/> without a
    /// reminder (the hub missed its deadline) it answers anyway, and the night's figures show no reminder.
    /// </summary>
    private async Task<bool> RemindedAsync(string night, string reference, CancellationToken cancellationToken)
    {
        var key = $"{night}/{reference}/{Agency}";
        var deadline = _clock.Elapsed + LongestReminderWait;
        while (!_reminded.ContainsKey(key))
        {
            if (_over.ContainsKey(key))
            {
                return false;
            }

            if (_clock.Elapsed > deadline)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return !_over.ContainsKey(key);
    }

    /// <summary>
    /// Reports one outcome through the API or by SMS; the hub records a case before publishing it, so any refusal here
    /// is a failure of the night. Null when the report could not be made at all (recorded as an error).
    /// </summary>
    private async Task<(HttpStatusCode? Status, string? Reply)> ReportAsync(string night, string reference, string outcome, CancellationToken cancellationToken)
    {
        await _apiGate.WaitAsync(cancellationToken);
        try
        {
            if (_behaviour.Answers == PartnerAnswers.BySms && _phone is not null)
            {
                var (text, expected) = outcome switch
                {
                    "accepted" => (Pick($"ACC {reference}", $"acc {reference}", $"ACC {reference} 10 mins away"), $"NightSafe {reference} accepted by "),
                    "declined" => (Pick($"DEC {reference} no capacity", $"dec {reference} all teams out"), $"NightSafe {reference} declined, noted."),
                    _ => (Pick($"DONE {reference} taken home", $"done {reference} safe in taxi"), $"NightSafe {reference} closed. Thank you."),
                };
                var reply = await _phone.TextAsync(text, cancellationToken);
                // Accepted just after the referral closed: recorded, and the reply says not to go.
                var over = outcome == "accepted" && reply.Message == $"NightSafe {reference} is already closed: no need to attend. Thank you.";
                if (over)
                {
                    _over[$"{night}/{reference}/{Agency}"] = true;
                }

                var recorded = reply.Succeeded && (over || reply.Message?.StartsWith(expected, StringComparison.Ordinal) == true);
                return (recorded ? HttpStatusCode.OK : reply.Succeeded ? HttpStatusCode.Conflict : reply.Status, reply.Message);
            }

            return (await _hub.ReportOutcomeAsync(Agency, _key, night, reference, outcome, note: null, cancellationToken), null);
        }
        catch (HttpRequestException ex)
        {
            _errors.Enqueue($"{Agency}: reporting {outcome} on {night}/{reference} failed: {ex.Message}");
            return (null, null);
        }
        finally
        {
            _apiGate.Release();
        }
    }

    /// <summary>The case ("night/reference/agency") a closure's or a reminder's MessageId is about.</summary>
    private static string CaseOf(string messageId, string suffix) =>
        messageId.EndsWith(suffix, StringComparison.Ordinal) ? messageId[..^suffix.Length] : messageId;

    private string Pick(params string[] texts)
    {
        lock (_randomGate)
        {
            return texts[_random.Next(texts.Length)];
        }
    }

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        if (args.Exception is not OperationCanceledException)
        {
            _errors.Enqueue($"{Agency}: {args.ErrorSource}: {args.Exception.Message}");
        }

        return Task.CompletedTask;
    }

    private (bool Decline, TimeSpan Delay, TimeSpan Work) Decide()
    {
        lock (_randomGate)
        {
            var span = _behaviour.LongestDelay - _behaviour.ShortestDelay;
            var work = _behaviour.LongestWork - _behaviour.ShortestWork;
            return (_random.NextDouble() < _behaviour.DeclineShare, _behaviour.ShortestDelay + span * _random.NextDouble(), _behaviour.ShortestWork + work * _random.NextDouble());
        }
    }
}
