using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NightSafe.Cli.Faults;
using NightSafe.Cli.Output;
using NightSafe.Cli.Stack;
using NightSafe.LocalStack;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>
/// `nightsafe faults`: a private stack on free ports, a short night with the Service Bus emulator paused, the worker
/// killed mid-burst and the Twilio stand-in paused, then the invariants. Exit 1 when any broke.
/// </summary>
public static class FaultsCommand
{
    private const int Stopped = 130;

    private static readonly Dictionary<string, Fault> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["servicebus"] = Fault.ServiceBusOutage,
        ["worker"] = Fault.WorkerKilled,
        ["twilio"] = Fault.TwilioOutage,
        ["storage"] = Fault.StorageOutage,
    };

    public static Command Create()
    {
        var defaults = new FaultOptions();
        var only = new Option<string>("--faults") { Description = "Which faults, in order: servicebus, worker, twilio, storage (comma-separated).", DefaultValueFactory = _ => "servicebus,worker,twilio,storage" }
            .Accepting(t => ParseFaults(t) is not null, "faults separated by commas, from servicebus, worker, twilio and storage");
        var texts = new Option<int>("--texts-per-fault") { Description = "Referral texts sent while each fault is on.", DefaultValueFactory = _ => defaults.TextsPerFault }.InRange(5, 200);
        var outage = new Option<int>("--outage-seconds") { Description = "How long Service Bus, Twilio and storage are down.", DefaultValueFactory = _ => (int)defaults.Outage.TotalSeconds }.InRange(1, 300);
        var seed = new Option<int>("--seed") { Description = "The same seed sends the same texts.", DefaultValueFactory = _ => defaults.Seed };
        var log = new Option<string?>("--log") { Description = "Where the stack's logs go (default .nightsafe/faults.log)." };
        var command = new Command("faults", "Start a private stack on free ports and run a short night while Service Bus is paused, the worker is killed mid-burst, Twilio is paused and storage is paused; check that every acknowledged referral ends routed or flagged, no agency gets a case twice, nobody gets two advice SMS and no SMS fault flags a referral.")
        {
            only,
            texts,
            outage,
            seed,
            log,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            defaults with
            {
                Faults = ParseFaults(parse.GetValue(only)!)!,
                TextsPerFault = parse.GetValue(texts),
                Outage = TimeSpan.FromSeconds(parse.GetValue(outage)),
                Seed = parse.GetValue(seed),
            },
            parse.GetValue(log),
            cancellationToken));
        return command;
    }

    /// <summary>"servicebus,worker" as faults, or null when a name is unknown or none is given.</summary>
    public static IReadOnlyList<Fault>? ParseFaults(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var faults = new List<Fault>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Names.TryGetValue(name, out var fault))
            {
                return null;
            }

            faults.Add(fault);
        }

        return faults.Count == 0 ? null : faults;
    }

    private static async Task<int> RunAsync(FaultOptions options, string? requestedLog, CancellationToken cancellationToken)
    {
        var path = requestedLog ?? Path.Combine(RepositoryLayout.FindRoot(), ".nightsafe", "faults.log");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var logFile = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new LineLog(line => logFile.WriteLine(line), LineLog.Default)));

        AnsiConsole.MarkupLine($"Starting a private offline stack on free ports [grey](logs: {Markup.Escape(path)})[/]...");
        OfflineHub stack;
        try
        {
            stack = await OfflineHub.StartAsync(new OfflineHubOptions { Ports = StackPorts.AnyFree, LoggerFactory = loggerFactory, Say = Console.WriteLine }, cancellationToken);
        }
        catch (Exception ex) when (StartFailure.Explain(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync($"The stack did not start: {reason} (logs: {path})");
            return 1;
        }
        catch (OperationCanceledException)
        {
            return Stopped;
        }

        await using (stack)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            try
            {
                var report = await new FaultNight(stack, http).RunAsync(options, new Progress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")), cancellationToken);
                Print(report);
                return report.Passed ? 0 : 1;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("Fault run stopped; stopping the stack.");
                return Stopped;
            }
        }
    }

    public static void Print(FaultReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).Title("nightsafe faults").AddColumn("Fault")
            .AddColumn(new TableColumn("Down for").RightAligned())
            .AddColumn(new TableColumn("Texts (acknowledged)").RightAligned())
            .AddColumn(new TableColumn("Webhook retries").RightAligned())
            .AddColumn(new TableColumn("Referrals").RightAligned())
            .AddColumn(new TableColumn("Routed / flagged").RightAligned())
            .AddColumn(new TableColumn("Advice delivered / failed").RightAligned());
        foreach (var f in report.Faults)
        {
            table.AddRow(
                FaultNight.Describe(f.Fault),
                string.Create(c, $"{f.InjectedFor.TotalSeconds:0.0} s"),
                string.Create(c, $"{f.Texts} ({f.Acknowledged})"),
                f.WebhookRetries.ToString(c),
                f.Referrals.ToString(c),
                string.Create(c, $"{f.Routed} / {f.FlaggedForManualRouting}"),
                string.Create(c, $"{f.AdviceDelivered} / {f.AdviceFailed}"));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(c, $"[grey]{report.CasesReceived} cases received ({report.CaseRedeliveries} redeliveries, {report.PartnerReceiveErrors} partner receive errors), {report.SmsSent} SMS sent, {report.TwilioRequestsDropped} Twilio requests given up during the outage, {report.WorkerStarts} worker restart(s); {report.Elapsed.TotalSeconds:0} s.[/]"));
        foreach (var text in report.Unacknowledged)
        {
            AnsiConsole.MarkupLine($"[yellow]No reference for a text ({Markup.Escape(text)})[/]");
        }

        if (report.StoredUnacknowledged > 0)
        {
            AnsiConsole.MarkupLine(string.Create(c, $"[yellow]{report.StoredUnacknowledged} referral(s) stored for texts whose officer got no reference.[/]"));
        }

        foreach (var lost in report.LostDeliveryReports)
        {
            AnsiConsole.MarkupLine(Markup.Escape(FaultNight.Describe(lost)));
        }

        if (report.Passed)
        {
            AnsiConsole.MarkupLine("[green]Every acknowledged referral routed or flagged, no case twice, no SMS twice (advice or alert), no referral flagged for an SMS fault.[/]");
            return;
        }

        foreach (var failure in report.Failures)
        {
            AnsiConsole.MarkupLine($"[red]- {Markup.Escape(failure)}[/]");
        }
    }
}
