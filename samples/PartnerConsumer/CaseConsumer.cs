using System.Net;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerConsumer;

/// <summary>
/// Receives your agency's subscription on topic "cases": a message that fails the schema or names another agency is
/// dead-lettered unread (tell NightSafe's operators: it should never happen); a case is accepted through the partner
/// API, and completed once NightSafe has recorded it. Logs carry the reference code only, never the case's fields.
/// </summary>
public sealed partial class CaseConsumer(ServiceBusClient client, CaseContract contract, HubOutcomes outcomes, IOptions<ConsumerOptions> options, ILogger<CaseConsumer> logger) : BackgroundService
{
    public const string Topic = "cases";

    private ServiceBusProcessor? _processor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _processor = client.CreateProcessor(Topic, options.Value.Agency, new ServiceBusProcessorOptions { AutoCompleteMessages = false, MaxConcurrentCalls = 4 });
        _processor.ProcessMessageAsync += HandleAsync;
        _processor.ProcessErrorAsync += args =>
        {
            LogReceiveError(args.ErrorSource.ToString(), args.Exception.GetType().Name);
            return Task.CompletedTask;
        };
        await _processor.StartProcessingAsync(stoppingToken);
        LogListening(options.Value.Agency);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_processor is not null)
        {
            await _processor.StopProcessingAsync(cancellationToken);
            await _processor.DisposeAsync();
        }

        await base.StopAsync(cancellationToken);
    }

    private async Task HandleAsync(ProcessMessageEventArgs args)
    {
        var message = args.Message;
        var agency = options.Value.Agency;
        var body = message.Body.ToString();
        if (!message.ApplicationProperties.TryGetValue("agency", out var property) || property as string != agency)
        {
            await RefuseAsync(args, "agency property is not ours");
            return;
        }

        // A kind of message this consumer was not written for (the hub may add kinds): not ours to refuse, and nothing to do.
        if (!contract.Knows(message.Subject))
        {
            LogUnknownSubject(message.MessageId, message.Subject);
            await args.CompleteMessageAsync(message, args.CancellationToken);
            return;
        }

        if (contract.Problem(message.Subject ?? "case", body) is { } problem)
        {
            await RefuseAsync(args, "schema: " + problem);
            return;
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("agency").GetString() != agency)
        {
            await RefuseAsync(args, "body agency is not ours");
            return;
        }

        if (root.TryGetProperty("reference", out var referenceJson) is false || root.TryGetProperty("night", out var nightJson) is false
            || referenceJson.GetString() is not { } reference || nightJson.GetString() is not { } night)
        {
            await RefuseAsync(args, "no reference or night shared with us");
            return;
        }

        if (message.Subject == "case-closed")
        {
            LogClosed(reference);
            await args.CompleteMessageAsync(message, args.CancellationToken);
            return;
        }

        if (message.Subject == "case-updated")
        {
            // Your own work goes here: replace the fields it holds on your copy, delete those it lists as withdrawn.
            LogUpdated(reference);
            await args.CompleteMessageAsync(message, args.CancellationToken);
            return;
        }

        if (message.Subject == "case-reminder")
        {
            // The hub has no answer from us at the case's first deadline: page the duty lead again, then answer below
            // (a repeat of an outcome already recorded is fine). Unanswered at escalatesAt, it goes to the control room.
            LogReminded(reference, root.GetProperty("escalatesAt").GetString() ?? "?");
        }

        // Your own work goes here: put the case on your team's board, page the duty lead... then report.
        var status = await outcomes.ReportAsync(night, reference, "accepted", "Received by our duty desk", args.CancellationToken);
        if (status is HttpStatusCode.OK or HttpStatusCode.Conflict)
        {
            // 409: we had already moved it on (a redelivery): it is recorded either way.
            LogAccepted(reference, (int)status);
            await args.CompleteMessageAsync(message, args.CancellationToken);
        }
        else
        {
            LogReportFailed(reference, (int)status);
            await args.AbandonMessageAsync(message, cancellationToken: args.CancellationToken);
        }
    }

    private async Task RefuseAsync(ProcessMessageEventArgs args, string reason)
    {
        LogRefused(args.Message.MessageId, reason);
        await args.DeadLetterMessageAsync(args.Message, "refused by consumer", reason, args.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening to the cases of {Agency}")]
    private partial void LogListening(string agency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {Reference} accepted (hub answered {Status})")]
    private partial void LogAccepted(string reference, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {Reference} closed by NightSafe: stop work on it")]
    private partial void LogClosed(string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {Reference} is still unanswered at its first deadline; it goes to the control room at {EscalatesAt}")]
    private partial void LogReminded(string reference, string escalatesAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} has a subject this consumer does not know ({Subject}); completed unread")]
    private partial void LogUnknownSubject(string messageId, string? subject);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {Reference} updated by the officer: fields replaced, withdrawn ones deleted")]
    private partial void LogUpdated(string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {Reference}: the hub answered {Status}; the message will be delivered again")]
    private partial void LogReportFailed(string reference, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} dead-lettered unread: {Reason}")]
    private partial void LogRefused(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving failed ({Source}): {Error}; the SDK retries")]
    private partial void LogReceiveError(string source, string error);
}
