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

    private const int EarlyReportAttempts = 5;
    private static readonly TimeSpan EarlyReportRetry = TimeSpan.FromMilliseconds(100);

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
    private readonly ConcurrentQueue<string> _errors = new();
    private int _busy;
    private int _earlyRefusals;

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

    /// <summary>Receive or processing errors the SDK reported (a healthy night has none).</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Reports refused 403 for a case the agency held, before the hub had recorded it (then retried).</summary>
    public int EarlyRefusals => Volatile.Read(ref _earlyRefusals);

    /// <summary>Cases taken but not yet reported on.</summary>
    public int Busy => Volatile.Read(ref _busy);

    public Task StartAsync(CancellationToken cancellationToken) => _processor.StartProcessingAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _processor.StopProcessingAsync();
        }
        finally
        {
            await _processor.DisposeAsync();
        }
    }

    private async Task OnCaseAsync(ProcessMessageEventArgs args)
    {
        Interlocked.Increment(ref _busy);
        try
        {
            var received = ReceivedCase.From(Agency, args.Message, _clock.Elapsed);
            _received.Enqueue(received);
            if (received.Night is not { } night || received.Reference is not { } reference)
            {
                _errors.Enqueue($"{Agency}: case {args.Message.MessageId} has no night or reference.");
                return;
            }

            var (decline, delay) = Decide();
            await Task.Delay(delay, args.CancellationToken);
            string[] outcomes = decline ? ["declined"] : ["accepted", "closed"];
            foreach (var outcome in outcomes)
            {
                await _apiGate.WaitAsync(args.CancellationToken);
                HttpStatusCode status;
                try
                {
                    status = await ReportAsync(night, reference, outcome, args.CancellationToken);
                }
                catch (HttpRequestException ex)
                {
                    // Recorded, not thrown: a thrown handler would abandon the message and report the case twice.
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
        finally
        {
            Interlocked.Decrement(ref _busy);
        }
    }

    /// <summary>
    /// Reports one outcome. The hub publishes a case before it records it, so a quick partner can be told 403 "not
    /// routed to your agency" for a case it holds; such a report is retried briefly, and counted.
    /// </summary>
    private async Task<HttpStatusCode> ReportAsync(string night, string reference, string outcome, CancellationToken cancellationToken)
    {
        var wait = EarlyReportRetry;
        for (var attempt = 1; ; attempt++)
        {
            var status = await _hub.ReportOutcomeAsync(Agency, _key, night, reference, outcome, note: null, cancellationToken);
            if (status != HttpStatusCode.Forbidden || attempt == EarlyReportAttempts)
            {
                return status;
            }

            Interlocked.Increment(ref _earlyRefusals);
            await Task.Delay(wait, cancellationToken);
            wait *= 2;
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

    private (bool Decline, TimeSpan Delay) Decide()
    {
        lock (_randomGate)
        {
            var span = _behaviour.LongestDelay - _behaviour.ShortestDelay;
            return (_random.NextDouble() < _behaviour.DeclineShare, _behaviour.ShortestDelay + span * _random.NextDouble());
        }
    }
}
