using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Azure.Messaging.ServiceBus;

namespace NightSafe.Cli.Partners;

/// <summary>An outcome a partner reported, and what the hub answered.</summary>
public sealed record ReportedOutcome(string Agency, string Night, string Reference, string Outcome, HttpStatusCode Status);

/// <summary>How a played agency answers its cases.</summary>
/// <param name="DeclineShare">The share of cases declined (the rest are accepted, then closed).</param>
/// <param name="ShortestDelay">Least time between receiving a case and reporting on it.</param>
/// <param name="LongestDelay">Most time between receiving a case and reporting on it.</param>
public sealed record PartnerBehaviour(double DeclineShare, TimeSpan ShortestDelay, TimeSpan LongestDelay)
{
    public static PartnerBehaviour Default { get; } = new(0.15, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(300));
}

/// <summary>
/// Plays one partner agency: takes cases off its own subscription of topic <c>cases</c>, and after a short random delay
/// reports through the partner API with its own key (accept then close, or decline). Keeps what it received.
/// </summary>
public sealed class PartnerDesk : IAsyncDisposable
{
    public const string CasesTopic = "cases";


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
    private readonly ConcurrentQueue<string> _updates = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _answeringGate = new();
    private readonly List<Task> _answering = [];
    private int _busy;

    public PartnerDesk(ServiceBusClient client, string agency, string key, HubApi hub, PartnerBehaviour behaviour, SemaphoreSlim apiGate, Stopwatch clock, int seed)
    {
        ArgumentNullException.ThrowIfNull(client);
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
            var (decline, delay) = Decide();
            await Task.Delay(delay, cancellationToken);
            string[] outcomes = decline ? ["declined"] : ["accepted", "closed"];
            foreach (var outcome in outcomes)
            {
                await _apiGate.WaitAsync(cancellationToken);
                HttpStatusCode status;
                try
                {
                    status = await ReportAsync(night, reference, outcome, cancellationToken);
                }
                catch (HttpRequestException ex)
                {
                    _errors.Enqueue($"{Agency}: reporting {outcome} on {night}/{reference} failed: {ex.Message}");
                    break;
                }
                finally
                {
                    _apiGate.Release();
                }

                _reports.Enqueue(new ReportedOutcome(Agency, night, reference, outcome, status));
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

    /// <summary>Reports one outcome; the hub records a case before publishing it, so any refusal here is a failure of the night.</summary>
    private Task<HttpStatusCode> ReportAsync(string night, string reference, string outcome, CancellationToken cancellationToken) =>
        _hub.ReportOutcomeAsync(Agency, _key, night, reference, outcome, note: null, cancellationToken);

    private Task OnErrorAsync(ProcessErrorEventArgs args)
    {
        if (args.Exception is not OperationCanceledException)
        {
            _errors.Enqueue($"{Agency}: {args.ErrorSource}: {args.Exception.Message}");
        }

        return Task.CompletedTask;
    }

    private (bool Decline, TimeSpan Delay) Decide()
    {
        lock (_randomGate)
        {
            var span = _behaviour.LongestDelay - _behaviour.ShortestDelay;
            return (_random.NextDouble() < _behaviour.DeclineShare, _behaviour.ShortestDelay + span * _random.NextDouble());
        }
    }
}
