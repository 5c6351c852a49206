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
/// Sends SMS through the Twilio SDK (MessageResource.CreateAsync with a TwilioRestClient built per send on the named
/// HttpClient, whose handlers retry transient failures and, in tests and offline, redirect to a stand-in).
/// </summary>
public sealed partial class TwilioSmsSender(
    IHttpMessageHandlerFactory handlers,
    IOptions<TwilioOptions> options,
    ILogger<TwilioSmsSender> logger) : ISmsSender
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
        var client = new TwilioRestClient(settings.AccountSid, settings.AuthToken, httpClient: new SystemNetHttpClient(http));
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

            LogUnavailable(to, status, e.Code);
            throw new SmsUnavailableException($"Twilio answered {status} (error {e.Code}); the send can be tried again later.", e);
        }
        catch (ApiConnectionException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The SMS send was cancelled.", e, cancellationToken);
        }
        catch (ApiConnectionException e)
        {
            LogUnavailable(to, call.LastStatus ?? 0, 0);
            throw new SmsUnavailableException("Twilio could not be reached; the send can be tried again later.", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMS to {To} accepted by Twilio as {MessageSid}")]
    private partial void LogAccepted(string to, string messageSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMS to {To} refused by Twilio: HTTP {Status}, error {ErrorCode}, opted out {OptedOut}")]
    private partial void LogRefused(string to, int status, string errorCode, bool optedOut);

    [LoggerMessage(Level = LogLevel.Error, Message = "SMS to {To} not sent: Twilio unavailable (HTTP {Status}, error {ErrorCode}) after its retries")]
    private partial void LogUnavailable(string to, int status, int errorCode);

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
