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
        var command = new Command("sms", "List the SMS the running stack sent, read with the Twilio SDK from the stand-in.") { limit };
        command.SetAction((parse, cancellationToken) => RunningHub.RunAsync(parse.GetValue(statePath), state => RunAsync(state, parse.GetValue(limit)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackState state, int limit)
    {
        var client = StandInMessages.Client(state.TwilioBaseUrl, state.TwilioAccountSid, state.TwilioAuthToken);
        var messages = await StandInMessages.ListAsync(client, Math.Max(1, limit));
        var table = new Table().Border(TableBorder.Rounded).Title($"SMS sent by NightSafe ({messages.Count})")
            .AddColumn("Sent").AddColumn("To").AddColumn("Status").AddColumn(new TableColumn("Segments").RightAligned()).AddColumn("Body");
        foreach (var m in messages)
        {
            table.AddRow(
                Markup.Escape(m.DateCreated?.ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty),
                Markup.Escape(m.To ?? string.Empty),
                Markup.Escape(m.Status?.ToString() + (m.ErrorCode is { } code ? $" {code}" : string.Empty)),
                Markup.Escape(m.NumSegments ?? string.Empty),
                Markup.Escape(m.Body ?? string.Empty));
        }

        AnsiConsole.Write(table);
        return 0;
    }
}
