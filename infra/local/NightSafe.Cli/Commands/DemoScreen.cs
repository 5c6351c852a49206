using System.Globalization;
using NightSafe.Cli.Demo;
using Spectre.Console;

namespace NightSafe.Cli.Commands;

/// <summary>The demo night in figures, then its checks.</summary>
public static class DemoScreen
{
    public static void Print(DemoReport report, TimeSpan total)
    {
        ArgumentNullException.ThrowIfNull(report);
        var f = report.Figures;
        var world = report.Record.World;
        var c = CultureInfo.InvariantCulture;

        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine(string.Create(c, $"[bold]Night {report.Record.Night}[/]: {f.TextsSent} texts ({f.OfficerTexts} from officers), {report.Record.Referrals.Count} referrals; {f.ReadAsMeant}/{f.ReferralTexts} referral texts read as the officer meant."));

        var towns = new Table().Border(TableBorder.Rounded).Title("Referrals per town").AddColumn("Town").AddColumn(new TableColumn("Referrals").RightAligned());
        foreach (var (town, count) in f.ByTown.OrderByDescending(t => t.Value))
        {
            towns.AddRow(Markup.Escape(world.Towns.FirstOrDefault(t => t.Id.Value == town)?.Name ?? town), count.ToString(c));
        }

        var categories = new Table().Border(TableBorder.Rounded).Title("Referrals per category").AddColumn("Category").AddColumn(new TableColumn("Referrals").RightAligned());
        foreach (var (category, count) in f.ByCategory.OrderByDescending(t => t.Value))
        {
            categories.AddRow(Markup.Escape(category), count.ToString(c));
        }

        AnsiConsole.Write(new Columns(towns, categories));

        var leaks = report.Failures.Where(x => x.Contains("outside the agency's shares", StringComparison.Ordinal)).ToList();
        var agencies = new Table().Border(TableBorder.Rounded)
            .Title($"What each agency received (fallback to {Markup.Escape(world.FallbackAgencyId.Value)}: {f.Fallback})")
            .AddColumn("Agency").AddColumn(new TableColumn("Cases").RightAligned()).AddColumn(new TableColumn("Acc").RightAligned())
            .AddColumn(new TableColumn("Decl").RightAligned()).AddColumn(new TableColumn("Closed").RightAligned()).AddColumn(new TableColumn("Fields").RightAligned());
        foreach (var a in f.Agencies)
        {
            var agency = world.AgencyNamed(a.Agency);
            var allowed = agency is null ? 0 : agency.Shares.Union(agency.SharesWithConsent).Count();
            agencies.AddRow(Markup.Escape(a.Agency), a.Cases.ToString(c), a.Accepted.ToString(c), a.Declined.ToString(c), a.Closed.ToString(c), string.Create(c, $"{a.FieldsSeen.Count}/{allowed}"));
        }

        AnsiConsole.Write(agencies);
        AnsiConsole.MarkupLine("[grey]Fields: distinct fields the agency saw / fields its shares allow (with consent).[/]");
        AnsiConsole.MarkupLine(leaks.Count == 0
            ? "Shares check: [green]no agency received a field outside its shares[/] (sharesWithConsent only with consent)."
            : $"Shares check: [red]{Markup.Escape(leaks[0])}[/]");

        PrintPartnerLoop(report);

        var refused = string.Join(", ", f.SmsRefusedByCode.Select(p => string.Create(c, $"{p.Value}x {Meaning(p.Key)} ({p.Key})")));
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(c, $"SMS (Twilio stand-in): {f.SmsAccepted} accepted, {f.SmsDelivered} delivered, {f.SmsUndelivered} not delivered; refused: {(refused.Length == 0 ? "none" : refused)}.")));
        AnsiConsole.MarkupLine(string.Create(c, $"Advice SMS: {f.AdviceDelivered} delivered, {f.AdviceUndelivered} undelivered, {f.AdviceRefused} refused for good."));
        AnsiConsole.MarkupLine($"Summary SMS to the duty inspectors: [italic]{Markup.Escape(report.SummarySms ?? "(none)")}[/]");
        AnsiConsole.MarkupLine(string.Create(c, $"Webhook reply: p50 {Ms(f.WebhookReply.P50)}, p95 {Ms(f.WebhookReply.P95)} ({f.WebhookReply.Count} texts)."));
        AnsiConsole.MarkupLine(string.Create(c, $"Referral accepted -> partner message received: p50 {Ms(f.AcceptedToPartner.P50)}, p95 {Ms(f.AcceptedToPartner.P95)} ({f.AcceptedToPartner.Count} cases routing published; escalations left out)."));
        AnsiConsole.MarkupLine(string.Create(c, $"Cold start: Functions host ready {Ms(report.ReadyAfter)}, first invocation served {Ms(report.ColdStart)} after it started."));
        AnsiConsole.MarkupLine(string.Create(c, $"Night replayed in {report.Elapsed.TotalSeconds:0.0} s; {total.TotalSeconds:0.0} s with the stack's start."));
        foreach (var misread in f.Misreads.Take(5))
        {
            AnsiConsole.MarkupLine($"[grey]Read otherwise than meant: {Markup.Escape(misread)}[/]");
        }

        AnsiConsole.WriteLine();
        if (report.Passed)
        {
            AnsiConsole.MarkupLine("[green]Every check passed[/]: every referral was closed or is waiting for the control room; each agency got exactly its own cases with only its allowed fields; every case was accepted or escalated by its deadline, and every escalation texted the duty inspector; no alert SMS was sent twice; every cancellation reached every agency that had the case; one advice SMS per consenting, not-opted-out referral with a number; the summary's figures match what was sent.");
            return;
        }

        AnsiConsole.MarkupLine($"[red]{report.Failures.Count} check(s) failed:[/]");
        foreach (var failure in report.Failures)
        {
            AnsiConsole.MarkupLine($"[red]- {Markup.Escape(failure)}[/]");
        }
    }

    /// <summary>Every agency: how it was played, its cases, time to accept, reminders and escalations; then each escalation.</summary>
    private static void PrintPartnerLoop(DemoReport report)
    {
        var f = report.Figures;
        var c = CultureInfo.InvariantCulture;
        var deadline = report.Record.Acknowledgement.For(Core.World.Priority.Normal);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(c, $"Partners answering (deadline {Span(deadline)}; escalated after {Span(deadline * 2)})"))
            .AddColumn("Agency").AddColumn("Answers").AddColumn(new TableColumn("Cases").RightAligned()).AddColumn(new TableColumn("Acc").RightAligned())
            .AddColumn(new TableColumn("Decl").RightAligned()).AddColumn(new TableColumn("To accept p50").RightAligned()).AddColumn(new TableColumn("p90").RightAligned())
            .AddColumn(new TableColumn("Remind").RightAligned()).AddColumn(new TableColumn("Escal").RightAligned());
        foreach (var a in f.PartnerLoop.Where(a => a.WhyNoCases is null))
        {
            table.AddRow(
                Markup.Escape(a.Agency),
                Markup.Escape(Short(a.PlayedAs)),
                a.Cases.ToString(c),
                a.Accepted.ToString(c),
                a.Declined.ToString(c),
                a.MedianToAccept is { } median ? Span(median) : "none",
                a.P90ToAccept is { } p90 ? Span(p90) : "-",
                a.Reminded.ToString(c),
                a.Escalated.ToString(c));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Answers: how the demo plays the agency (by SMS from its duty phone, through the partner API, late = after its first deadline, or never). Acc/Decl: cases accepted/declined. To accept: from the case going out to its acceptance. Remind/Escal: cases reminded/escalated to the control room.[/]");
        foreach (var a in f.PartnerLoop.Where(a => a.WhyNoCases is not null))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{a.Agency} ({Short(a.PlayedAs)}) had no cases: {a.WhyNoCases}."));
        }

        AnsiConsole.MarkupLine(string.Create(c, $"{f.Escalations.Count} case(s) escalated to the control room; {f.CancellationsReceived} cancellation message(s) reached agencies still on a closed referral."));
        foreach (var e in f.Escalations.Take(12))
        {
            var inspectors = e.InspectorsTexted.Count == 0 ? "no inspector texted" : "texted " + string.Join(", ", e.InspectorsTexted);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(c, $"  {e.Reference} {e.Agency}: {e.Why}, {Span(e.AfterDisclosure)} after it went out; {inspectors}.")));
        }

        if (f.Escalations.Count > 12)
        {
            AnsiConsole.MarkupLine(string.Create(c, $"  [grey]... and {f.Escalations.Count - 12} more.[/]"));
        }
    }

    private static string Short(string playedAs) => playedAs.Replace("answers ", string.Empty, StringComparison.Ordinal).Replace("through the API", "by API", StringComparison.Ordinal);

    /// <summary>What a Twilio error code means, in words a duty inspector would use.</summary>
    private static string Meaning(int code) => code switch
    {
        20429 => "Twilio busy, sent again later",
        21211 => "not a valid phone number",
        21610 => "the person had replied STOP",
        30003 => "phone switched off or out of reach",
        _ => "refused by Twilio",
    };

    private static string Span(TimeSpan value) =>
        value < TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.0} min");

    private static string Ms(TimeSpan? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMilliseconds:0} ms") : "n/a";
}
