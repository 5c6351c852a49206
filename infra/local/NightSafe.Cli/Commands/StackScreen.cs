using System.Globalization;
using NightSafe.Cli.Stack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>What `up` prints once the stack runs: endpoints, keys, and what to try next.</summary>
public static class StackScreen
{
    public static void Print(OfflineHub stack, string statePath)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var functions = stack.Functions;
        var api = new Uri(functions.BaseUrl, "api/");
        var endpoints = new Table().Border(TableBorder.Rounded).Title("NightSafe offline stack").AddColumn("Part").AddColumn("Endpoint");
        endpoints.AddRow("Functions app (HTTP API)", Markup.Escape(api.ToString()));
        endpoints.AddRow("Functions admin", Markup.Escape(new Uri(functions.BaseUrl, "admin/").ToString()));
        endpoints.AddRow("Twilio inbound webhook", Markup.Escape(new Uri(api, "sms/inbound").ToString()));
        endpoints.AddRow("Twilio stand-in (REST API)", Markup.Escape(stack.Twilio.BaseUrl.ToString()));
        endpoints.AddRow("Service Bus emulator", Markup.Escape($"amqp://127.0.0.1:{stack.ServiceBus.Port}"));
        endpoints.AddRow("Azurite", Markup.Escape($"blob {stack.Azurite.BlobPort}, queue {stack.Azurite.QueuePort}, table {stack.Azurite.TablePort}"));
        AnsiConsole.Write(endpoints);

        // Keys, connection strings and commands go straight to the console: Spectre would break long lines to its width.
        Console.WriteLine($"Function key (x-functions-key): {functions.FunctionKey}   (submitting systems: POST /api/referrals only)");
        Console.WriteLine($"Control-room key (X-Control-Room-Key): {stack.ControlRoomKey}   (dossiers and summaries)");
        Console.WriteLine($"Master key (admin):             {functions.MasterKey}");
        Console.WriteLine($"Twilio account SID:             {stack.Twilio.AccountSid}");
        Console.WriteLine($"Twilio auth token:              {stack.Twilio.AuthToken}");
        Console.WriteLine($"Service Bus:                    {stack.ServiceBus.ConnectionString}");
        Console.WriteLine($"Storage:                        {stack.Azurite.ConnectionString}");

        var partners = new Table().Border(TableBorder.Rounded).Title("Partner API keys (header X-Partner-Key)").AddColumn("Agency").AddColumn("Key");
        foreach (var agency in stack.World.Agencies)
        {
            partners.AddRow(Markup.Escape(agency.Id), Markup.Escape(stack.PartnerKeys[agency.Id]));
        }

        AnsiConsole.Write(partners);
        PrintPageLinks(stack);

        var officer = stack.World.OfficerRosterSeed[0];
        var clock = stack.ClockStart is { } start
            ? string.Create(CultureInfo.InvariantCulture, $"the app's clock started at {start:dddd d MMMM yyyy HH:mm} (London) and runs on; night {stack.Night}")
            : $"the app runs on the real clock; night {stack.Night}";
        AnsiConsole.MarkupLine($"[grey]{Markup.Escape(clock)}. Officer roster seeded from routing.json. State: {Markup.Escape(statePath)}[/]");
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[bold]Next, in another terminal:[/]");
        Console.WriteLine($"  curl -i -X POST {api}referrals -H 'x-functions-key: {functions.FunctionKey}' -H 'Content-Type: application/json' \\");
        Console.WriteLine("       -d '{\"town\":\"chelmsford\",\"categories\":[\"spiking\"],\"location\":\"Bond St\",\"consent\":\"given\",\"subjectPhone\":\"07700 900123\",\"referrer\":\"PC 4107\"}'");
        Console.WriteLine($"  dotnet run --project infra/local/NightSafe.Cli -- text \"Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y\" --from {officer.Phone}");
        Console.WriteLine("  dotnet run --project infra/local/NightSafe.Cli -- partner street-pastors-chelmsford");
        Console.WriteLine("  dotnet run --project infra/local/NightSafe.Cli -- sms");
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("[grey]Logs follow. Ctrl+C stops everything.[/]");
    }

    /// <summary>Local sign-in links (no App Service Authentication offline): the board, and each agency's desk.</summary>
    public static void PrintPageLinks(OfflineHub stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        Console.WriteLine($"Night board: {stack.BoardSignInUrl()}");
        foreach (var agency in stack.World.Agencies)
        {
            Console.WriteLine($"Partner desk {agency.Id}: {stack.DeskSignInUrl(agency.Id)}");
        }
    }
}
