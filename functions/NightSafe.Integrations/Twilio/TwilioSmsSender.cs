using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NightSafe.Core.Phones;
using NightSafe.Core.Ports;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// Sends SMS through the Twilio SDK (MessageResource.CreateAsync with a TwilioRestClient built per call on the named
/// HttpClient, whose handlers retry what is safe to retry and, in tests and offline, redirect to a stand-in). A send
/// that may have reached Twilio without a clear answer (timeout, 5xx, connection lost) is reported as uncertain, and
/// <see cref="FindSentAsync"/> (MessageResource.ReadAsync by recipient and date) tells whether it is there.
/// </summary>
public sealed partial class TwilioSmsSender(
    IHttpMessageHandlerFactory handlers,
    IOptions<TwilioOptions> options,
    ILogger<TwilioSmsSender> logger) : ISmsSender, ISmsRecords
{
    /// <summary>The named HttpClient whose handlers (retries, redirect) every Twilio request goes through.</summary>
    public const string HttpClientName = "NightSafe.Twilio";

    public async Task<SmsSendResult> SendAsync(OutgoingSms sms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sms);
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value;

        // The SDK takes no CancellationToken: this handler carries the caller's into every request it makes.
        using var call = new TwilioCall(handlers.CreateHandler(HttpClientName), cancellationToken);
        using var http = new System.Net.Http.HttpClient(call, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var client = Client(http, settings);
        var create = new CreateMessageOptions(new PhoneNumber(sms.To)) { Body = sms.Body, StatusCallback = sms.StatusCallback };
        if (!string.IsNullOrWhiteSpace(settings.MessagingServiceSid))
        {
            create.MessagingServiceSid = settings.MessagingServiceSid;
        }
        else
        {
            create.From = new PhoneNumber(settings.From);
        }

        var to = UkPhoneNumber.Mask(sms.To);
        try
        {
            var message = await MessageResource.CreateAsync(create, client);
            LogAccepted(to, message.Sid);
            return new SmsSendResult.Accepted(message.Sid);
        }
        catch (ApiException e)
        {
            // Without a JSON error body the SDK reports status 0; the handler saw the real one.
            var status = e.Status != 0 ? e.Status : call.LastStatus ?? 0;
            if (TwilioErrors.IsRefusal(status, e.Code))
            {
                var code = TwilioErrors.CodeFor(status, e.Code);
                var optedOut = e.Code == TwilioErrors.Unsubscribed;
                LogRefused(to, status, code, optedOut);
                return new SmsSendResult.Refused(code, TwilioErrors.Describe(e.Code), optedOut);
            }

            if (TwilioErrors.DidNotAct(status, e.Code))
            {
                LogUnavailable(to, status, e.Code);
                throw new SmsUnavailableException($"Twilio answered {status} (error {e.Code}) and did not act; the send can be tried again later.", e);
            }

            LogUncertain(to, status, e.Code);
            throw new SmsSendUncertainException($"Twilio answered {status} (error {e.Code}): the message may have been created; reconcile before any resend.", e);
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The SMS send was cancelled.", e, cancellationToken);
        }
        catch (ApiConnectionException e) when (TwilioRetry.NeverReached(e))
        {
            LogUnavailable(to, call.LastStatus ?? 0, 0);
            throw new SmsUnavailableException("Twilio could not be reached; the send can be tried again later.", e);
        }
        catch (ApiConnectionException e)
        {
            // A timeout or a connection lost after the request went out: Twilio may have the message.
            LogUncertain(to, call.LastStatus ?? 0, 0);
            throw new SmsSendUncertainException("No answer from Twilio: the message may have been created; reconcile before any resend.", e);
        }
    }

    public async Task<string?> FindSentAsync(string recipient, string body, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(body);
        cancellationToken.ThrowIfCancellationRequested();
        using var call = new TwilioCall(handlers.CreateHandler(HttpClientName), cancellationToken);
        using var http = new System.Net.Http.HttpClient(call, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var client = Client(http, options.Value);
        var to = new PhoneNumber(recipient);
        var after = since.UtcDateTime;
        try
        {
            // Every message sent since the attempt began, page after page: a duty phone gets every alert of its agency,
            // and after an outage far more than one page of them can be newer than the one looked for.
            var sent = await MessageResource.ReadAsync(new ReadMessageOptions { To = to, DateSentAfter = after, PageSize = ReconcilePage }, client);
            var found = Match(sent, body, after);
            if (found is null)
            {
                // Then those not sent yet (queued, no date_sent, so no date filter matches them): they come first in
                // Twilio's list, newest first, so reading stops at the first message sent before the attempt.
                var newest = await MessageResource.ReadAsync(new ReadMessageOptions { To = to, PageSize = ReconcilePage }, client);
                found = Match(newest.TakeWhile(m => m.DateSent is not { } at || Utc(at) >= after), body, after);
            }

            LogReconciled(new MaskedPhone(recipient), found is not null);
            return found;
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The reconcile was cancelled.", e, cancellationToken);
        }
        catch (Exception e) when (e is ApiException or ApiConnectionException)
        {
            // Without the list we cannot tell: the send stays uncertain and is reconciled on the next attempt.
            throw new SmsSendUncertainException("Twilio's message list could not be read; the send stays uncertain.", e);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is ApiException or ApiConnectionException)
        {
            // A further page: the SDK fetches it by reflection, which wraps its failure.
            cancellationToken.ThrowIfCancellationRequested();
            throw new SmsSendUncertainException("A page of Twilio's message list could not be read; the send stays uncertain.", e.InnerException);
        }
    }

    /// <summary>
    /// Deletes Twilio's record of the message (MessageResource.DeleteAsync: DELETE .../Messages/{sid}.json, 204).
    /// Twilio answers 404 (20404) for a message it does not hold, and refuses one still being delivered: that stays
    /// for the next run, as does any other error or an unreachable Twilio.
    /// </summary>
    public async Task<bool> DeleteAsync(string messageSid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        cancellationToken.ThrowIfCancellationRequested();
        using var call = new TwilioCall(handlers.CreateHandler(HttpClientName), cancellationToken);
        using var http = new System.Net.Http.HttpClient(call, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var deleted = await MessageResource.DeleteAsync(messageSid, client: Client(http, options.Value));
            LogDeleted(messageSid, deleted);
            return deleted;
        }
        catch (ApiException e) when ((e.Status != 0 ? e.Status : call.LastStatus) == 404)
        {
            LogDeleted(messageSid, false);
            return false;
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The deletion was cancelled.", e, cancellationToken);
        }
        catch (ApiException e)
        {
            var status = e.Status != 0 ? e.Status : call.LastStatus ?? 0;
            throw new SmsRecordDeletionException($"http-{status}/{e.Code}", $"Twilio answered {status} (error {e.Code}) to the deletion of {messageSid}.", e);
        }
        catch (ApiConnectionException e)
        {
            throw new SmsRecordDeletionException("unreachable", $"Twilio could not be reached to delete {messageSid}.", e);
        }
    }

    /// <summary>
    /// Twilio's status of the message now (MessageResource.FetchAsync: GET .../Messages/{sid}.json); null on 404. A
    /// fetch changes nothing, so it may be retried: an unreachable Twilio or any error is <see cref="SmsUnavailableException"/>.
    /// </summary>
    public async Task<SmsProviderStatus?> StatusAsync(string messageSid, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        cancellationToken.ThrowIfCancellationRequested();
        using var call = new TwilioCall(handlers.CreateHandler(HttpClientName), cancellationToken);
        using var http = new System.Net.Http.HttpClient(call, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            var message = await MessageResource.FetchAsync(messageSid, client: Client(http, options.Value));
            return new SmsProviderStatus(message.Status.ToString().ToLowerInvariant(), message.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (ApiException e) when ((e.Status != 0 ? e.Status : call.LastStatus) == 404)
        {
            return null;
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The lookup was cancelled.", e, cancellationToken);
        }
        catch (ApiException e)
        {
            var status = e.Status != 0 ? e.Status : call.LastStatus ?? 0;
            throw new SmsUnavailableException($"Twilio answered {status} (error {e.Code}) to the lookup of {messageSid}.", e);
        }
        catch (ApiConnectionException e)
        {
            throw new SmsUnavailableException($"Twilio could not be reached to look up {messageSid}.", e);
        }
    }

    /// <summary>
    /// The hub's replies to an inbound text, found as Twilio lists them: the text fetched (MessageResource.FetchAsync) for
    /// its sender, the number it was sent to and its arrival; then the messages sent to that sender from that number
    /// (MessageResource.ReadAsync with To, From and DateSent bounds) from its arrival to <paramref name="window"/> after.
    /// A text Twilio no longer holds (404) finds nothing. The numbers stay in memory: logged masked, never stored.
    /// </summary>
    public async Task<SmsReplies?> RepliesToAsync(string inboundSid, TimeSpan window, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(inboundSid);
        cancellationToken.ThrowIfCancellationRequested();
        using var call = new TwilioCall(handlers.CreateHandler(HttpClientName), cancellationToken);
        using var http = new System.Net.Http.HttpClient(call, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        var client = Client(http, options.Value);
        try
        {
            MessageResource inbound;
            try
            {
                inbound = await MessageResource.FetchAsync(inboundSid, client: client);
            }
            catch (ApiException e) when ((e.Status != 0 ? e.Status : call.LastStatus) == 404)
            {
                LogRepliesUnfindable(inboundSid);
                return null;
            }

            var receivedAt = new DateTimeOffset(Utc(inbound.DateSent ?? inbound.DateCreated ?? DateTime.UtcNow));
            var texter = inbound.From?.ToString();
            if (inbound.Direction != MessageResource.DirectionEnum.Inbound || string.IsNullOrEmpty(texter) || string.IsNullOrEmpty(inbound.To))
            {
                // Not a text the hub received: nothing answered it.
                return new SmsReplies(receivedAt, []);
            }

            // Twilio filters DateSent to the second: a second either side, and the exact bounds are the matching rule's.
            var sent = await MessageResource.ReadAsync(
                new ReadMessageOptions
                {
                    To = new PhoneNumber(texter),
                    From = new PhoneNumber(inbound.To),
                    DateSentAfter = receivedAt.UtcDateTime.AddSeconds(-1),
                    DateSentBefore = (receivedAt + window).UtcDateTime.AddSeconds(1),
                    PageSize = ReconcilePage,
                },
                client);
            var replies = sent
                .Where(m => m.Direction != MessageResource.DirectionEnum.Inbound && m.Sid is not null)
                .Select(m => new SmsRecord(m.Sid, m.Body ?? string.Empty, m.DateSent is { } at ? new DateTimeOffset(Utc(at)) : null))
                .ToList();
            LogRepliesListed(inboundSid, new MaskedPhone(texter), replies.Count);
            return new SmsReplies(receivedAt, replies);
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The search for replies was cancelled.", e, cancellationToken);
        }
        catch (ApiException e)
        {
            var status = e.Status != 0 ? e.Status : call.LastStatus ?? 0;
            throw new SmsRecordDeletionException($"http-{status}/{e.Code}", $"Twilio answered {status} (error {e.Code}) to the search for replies to {inboundSid}.", e);
        }
        catch (ApiConnectionException e)
        {
            throw new SmsRecordDeletionException("unreachable", $"Twilio could not be reached to find the replies to {inboundSid}.", e);
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is ApiException or ApiConnectionException)
        {
            // A further page: the SDK fetches it by reflection, which wraps its failure.
            cancellationToken.ThrowIfCancellationRequested();
            throw new SmsRecordDeletionException("list-page", $"A page of Twilio's list of replies to {inboundSid} could not be read.", e.InnerException);
        }
    }

    /// <summary>
    /// Messages per page of a reconcile's list (Twilio's largest): one request in nearly every case. The SDK fetches any
    /// further page as the list is read, and only while it is read.
    /// </summary>
    private const int ReconcilePage = 1000;

    private static string? Match(IEnumerable<MessageResource> messages, string body, DateTime after)
    {
        foreach (var message in messages)
        {
            var at = message.DateCreated ?? message.DateSent;
            if (message.Direction != MessageResource.DirectionEnum.Inbound
                && string.Equals(message.Body, body, StringComparison.Ordinal)
                && (at is null || Utc(at.Value) >= after))
            {
                return message.Sid;
            }
        }

        return null;
    }

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    private static TwilioRestClient Client(System.Net.Http.HttpClient http, TwilioOptions settings) =>
        new(settings.AccountSid, settings.AuthToken, httpClient: new SystemNetHttpClient(http));

    // Debug: the sms-outbound trigger logs the step by its key (which names the referral).
    [LoggerMessage(Level = LogLevel.Debug, Message = "SMS to {To} accepted by Twilio as {MessageSid}")]
    private partial void LogAccepted(string to, string messageSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS to {To} refused by Twilio: HTTP {Status}, error {ErrorCode}, opted out {OptedOut}")]
    private partial void LogRefused(string to, int status, string errorCode, bool optedOut);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMS to {To} not sent: Twilio unavailable (HTTP {Status}, error {ErrorCode}) after its retries")]
    private partial void LogUnavailable(string to, int status, int errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS to {To}: no clear answer from Twilio (HTTP {Status}, error {ErrorCode}); it may have been sent and is not retried here")]
    private partial void LogUncertain(string to, int status, int errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled an uncertain SMS to {To} against Twilio's list: found {Found}")]
    private partial void LogReconciled(MaskedPhone to, bool found);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio's record of {MessageSid} deleted: {Deleted} (false: Twilio did not hold it)")]
    private partial void LogDeleted(string messageSid, bool deleted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replies to inbound SMS {MessageSid}: Twilio no longer holds it, nothing to find")]
    private partial void LogRepliesUnfindable(string messageSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replies to inbound SMS {MessageSid}: {Count} messages sent to {To} in the window")]
    private partial void LogRepliesListed(string messageSid, MaskedPhone to, int count);

    /// <summary>One send's view of the pipeline: links the caller's token and remembers the final answer.</summary>
    private sealed class TwilioCall(HttpMessageHandler inner, CancellationToken caller) : DelegatingHandler(inner)
    {
        /// <summary>The status of the answer the SDK got, after the pipeline's retries.</summary>
        public int? LastStatus { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, caller);
            var response = await base.SendAsync(request, linked.Token);
            LastStatus = (int)response.StatusCode;
            return response;
        }
    }
}
