using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NightSafe.TwilioStandIn;

/// <summary>
/// Moves each accepted message through queued → sent → delivered/undelivered in the background, posting a signed
/// status callback for each step when the message has a StatusCallback.
/// </summary>
internal sealed partial class MessageDelivery : IAsyncDisposable
{
    private readonly MessageLedger _ledger;
    private readonly TwilioStandInOptions _options;
    private readonly string _authToken;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public MessageDelivery(MessageLedger ledger, TwilioStandInOptions options, string authToken, ILogger logger)
    {
        _ledger = ledger;
        _options = options;
        _authToken = authToken;
        _logger = logger;
        // Callbacks go to loopback or to whatever URL the client named; no proxy, no redirects, like Twilio's poster.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Starts the message's delivery without waiting for it, so the create response is never held up.</summary>
    public void Start(SentMessage message, NumberBehaviour? behaviour)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var run = Task.Run(() => DeliverSafelyAsync(message.Sid, behaviour?.DeliveryErrorCode, _stopping.Token));
        _running[message.Sid] = run;
        run.ContinueWith(
            finished => _running.TryRemove(new KeyValuePair<string, Task>(message.Sid, finished)),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values);
        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task DeliverSafelyAsync(string sid, int? deliveryErrorCode, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(sid, deliveryErrorCode, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stand-in is stopping; an unfinished delivery stays where it got to.
        }
#pragma warning disable CA1031 // A background delivery must not fault the shutdown; its failure is logged and the message stays as it was.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDeliveryFailed(_logger, ex, sid);
        }
    }

    private async Task DeliverAsync(string sid, int? deliveryErrorCode, CancellationToken cancellationToken)
    {
        await StepDelayAsync(cancellationToken);
        var sent = _ledger.Update(sid, m =>
        {
            var now = _options.TimeProvider.GetUtcNow();
            return m with
            {
                Status = MessageStatus.Sent,
                SentAt = now,
                UpdatedAt = now,
                From = m.From ?? _options.MessagingServiceFrom,
            };
        });
        await PostCallbackAsync(sent, cancellationToken);

        await StepDelayAsync(cancellationToken);
        var final = _ledger.Update(sid, m => m with
        {
            Status = deliveryErrorCode is null ? MessageStatus.Delivered : MessageStatus.Undelivered,
            ErrorCode = deliveryErrorCode,
            ErrorMessage = deliveryErrorCode is { } code ? DeliveryErrorMessage(code) : null,
            UpdatedAt = _options.TimeProvider.GetUtcNow(),
        });
        LogFinal(_logger, sid, final.Status, final.ErrorCode);
        await PostCallbackAsync(final, cancellationToken);
    }

    private async Task PostCallbackAsync(SentMessage message, CancellationToken cancellationToken)
    {
        if (message.StatusCallback is null)
        {
            return;
        }

        var url = new Uri(message.StatusCallback);
        var form = StatusCallbacks.Form(message);
        string? error = null;
        for (var attempt = 1; attempt <= _options.CallbackAttempts; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.CallbackTimeout);
            try
            {
                using var request = TwilioSignature.SignedPost(url, form, _authToken);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                Record(message, (int)response.StatusCode, attempt, null);
                LogCallback(_logger, message.Sid, message.Status, (int)response.StatusCode, attempt);
                return;
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {_options.CallbackTimeout}";
            }

            LogCallbackAttemptFailed(_logger, message.Sid, message.Status, attempt, error);
            if (attempt < _options.CallbackAttempts)
            {
                await Task.Delay(_options.CallbackRetryDelay * Math.Pow(2, attempt - 1), _options.TimeProvider, cancellationToken);
            }
        }

        Record(message, null, _options.CallbackAttempts, error);
    }

    private void Record(SentMessage message, int? statusCode, int attempts, string? error)
    {
        var post = new StatusCallbackPost(message.Status, statusCode, attempts, error, _options.TimeProvider.GetUtcNow());
        _ledger.Update(message.Sid, m => m with { Callbacks = [.. m.Callbacks, post] });
    }

    private Task StepDelayAsync(CancellationToken cancellationToken) =>
        _options.StatusStepDelay > TimeSpan.Zero
            ? Task.Delay(_options.StatusStepDelay, _options.TimeProvider, cancellationToken)
            : Task.CompletedTask;

    private static string DeliveryErrorMessage(int code) => code switch
    {
        30003 => "Unreachable destination handset",
        30005 => "Unknown destination handset",
        30006 => "Landline or unreachable carrier",
        30007 => "Message filtered",
        30008 => "Unknown error",
        _ => "Message delivery failed",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {MessageSid} stopped")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string messageSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageSid} is {Status} (error code {ErrorCode})")]
    private static partial void LogFinal(ILogger logger, string messageSid, string status, int? errorCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status callback {Status} for {MessageSid} answered {StatusCode} on attempt {Attempt}")]
    private static partial void LogCallback(ILogger logger, string messageSid, string status, int statusCode, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status callback {Status} for {MessageSid} failed on attempt {Attempt}: {Error}")]
    private static partial void LogCallbackAttemptFailed(ILogger logger, string messageSid, string status, int attempt, string? error);
}
