using System.CommandLine;
using System.Globalization;
using NightSafe.Cli.Sms;
using NightSafe.Cli.Stack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>`nightsafe sms`: what the Twilio stand-in has sent, read through the Twilio SDK's message list.</summary>
public static class SmsCommand
{
    public static Command Create(Option<string?> statePath)
    {
        var limit = new Option<int>("--limit") { Description = "Most messages to list (newest first).", DefaultValueFactory = _ => 50 }.InRange(1, 1000);
        var command = new Command("sms", "List the SMS the running stack's Twilio stand-in holds (sent by the hub, texted to it, and its TwiML replies), read with the Twilio SDK.") { limit };
        command.SetAction((parse, cancellationToken) => RunningHub.RunAsync(parse.GetValue(statePath), state => RunAsync(state, parse.GetValue(limit)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackState state, int limit)
    {
        var client = StandInMessages.Client(state.TwilioBaseUrl, state.TwilioAccountSid, state.TwilioAuthToken);
        var messages = await StandInMessages.ListAsync(client, Math.Max(1, limit));
        var table = new Table().Border(TableBorder.Rounded).Title($"SMS the Twilio stand-in holds ({messages.Count})")
            .AddColumn("Sent").AddColumn("Dir").AddColumn("Phone").AddColumn("Status").AddColumn(new TableColumn("Segments").RightAligned()).AddColumn("Body");
        foreach (var m in messages)
        {
            var inbound = m.Direction == Twilio.Rest.Api.V2010.Account.MessageResource.DirectionEnum.Inbound;
            table.AddRow(
                Markup.Escape(m.DateCreated?.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty),
                // The other party: who texted the hub, or whom it texted (an API send, or a TwiML reply).
                inbound ? "in" : m.Direction == Twilio.Rest.Api.V2010.Account.MessageResource.DirectionEnum.OutboundReply ? "reply" : "out",
                Markup.Escape((inbound ? m.From?.ToString() : m.To) ?? string.Empty),
                Markup.Escape(m.Status?.ToString() + (m.ErrorCode is { } code ? $" {code}" : string.Empty)),
                Markup.Escape(m.NumSegments ?? string.Empty),
                Markup.Escape(m.Body ?? string.Empty));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
