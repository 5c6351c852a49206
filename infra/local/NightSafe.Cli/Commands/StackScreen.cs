using System.Globalization;
using NightSafe.Cli.Stack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>
/// What `up` prints once the stack runs, in under 40 lines: the endpoints, the two keys a newcomer needs, when the
/// summary runs, and what to try next; `nightsafe keys` prints the rest (partner keys, desk links, connection strings).
/// </summary>
public static class StackScreen
{
    /// <summary>The command a user types (the local .NET tool the README installs).</summary>
    public const string Tool = "dotnet nightsafe";

    public static void Print(OfflineHub stack, string statePath)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var functions = stack.Functions;
        var api = new Uri(functions.BaseUrl, "api/");
        var c = CultureInfo.InvariantCulture;
        var clock = stack.ClockStart is { } start
            ? string.Create(c, $"the app's clock started at {start:ddd d MMM yyyy HH:mm} (London) and runs on")
            : "the app runs on the real clock";
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine($"[bold green]NightSafe is running offline[/]: night {stack.Night}, {Markup.Escape(clock)}.");
        Console.WriteLine($"  HTTP API          {api}");
        Console.WriteLine($"  Twilio webhook    {new Uri(api, "sms/inbound")}");
        Console.WriteLine($"  Twilio stand-in   {stack.Twilio.BaseUrl}");
        Console.WriteLine($"  Service Bus       amqp://127.0.0.1:{stack.ServiceBus.Port}");
        Console.WriteLine(string.Create(c, $"  Azurite           blob {stack.Azurite.BlobPort}, queue {stack.Azurite.QueuePort}, table {stack.Azurite.TablePort}"));
        Console.WriteLine($"  Night board       {stack.BoardSignInUrl()}");
        // Keys go straight to the console: Spectre would break long lines to its width.
        Console.WriteLine($"Function key (x-functions-key; submitting systems POST /api/referrals): {functions.FunctionKey}");
        Console.WriteLine($"Control-room key (X-Control-Room-Key; dossiers, roster, duty phones):   {stack.ControlRoomKey}");
        AnsiConsole.MarkupLine($"[grey]Partner keys, desk sign-in links, the master key and connection strings: {Tool} keys. State: {Markup.Escape(statePath)}[/]");
        Console.WriteLine(SummaryLine(stack));
        AnsiConsole.WriteLine();
        PrintNextSteps(stack);
        AnsiConsole.MarkupLine("[grey]Start-up logs follow, then the next steps again; Ctrl+C (or dotnet nightsafe down) stops everything.[/]");
    }

    /// <summary>When the end-of-night summary runs: the timers follow the app's clock.</summary>
    public static string SummaryLine(OfflineHub stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var next = stack.NextSummaryAt;
        var wait = next - stack.AppNow;
        var local = stack.World.ToLocal(next);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"End-of-night summary: the timer runs it at {local:HH:mm} on the app's clock ({local:ddd d MMM}, in {(int)wait.TotalHours} h {wait.Minutes:00} min); {Tool} summary runs it now.");
    }

    public static void PrintNextSteps(OfflineHub stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var officer = stack.World.OfficerRosterSeed[0];
        AnsiConsole.MarkupLine("[bold]Next, in another terminal:[/]");
        Console.WriteLine($"  {Tool} text \"Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y\" --from {officer.Phone}");
        Console.WriteLine($"  {Tool} status <ref>                          the referral: status, cases, trail");
        Console.WriteLine($"  {Tool} partner street-pastors-chelmsford     listen as an agency");
        Console.WriteLine($"  {Tool} sms                                   what the Twilio stand-in has sent");
        Console.WriteLine($"  {Tool} down                                  stop this stack");
    }

    /// <summary>Local sign-in links (no App Service Authentication offline): the board, and each agency's desk.</summary>
    public static void PrintPageLinks(OfflineHub stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        foreach (var (name, url) in SignInLinks(stack))
        {
            Console.WriteLine(name == "board" ? $"Night board: {url}" : $"Partner desk {name}: {url}");
        }
    }

    /// <summary>"board" and each agency id, with its sign-in link (valid for a day on the app's clock).</summary>
    public static IReadOnlyDictionary<string, Uri> SignInLinks(OfflineHub stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var links = new Dictionary<string, Uri>(StringComparer.Ordinal) { ["board"] = stack.BoardSignInUrl() };
        foreach (var agency in stack.World.Agencies)
        {
            links[agency.Id.Value] = stack.DeskSignInUrl(agency.Id.Value);
        }

        return links;
    }
}
