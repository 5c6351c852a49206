using NightSafe.Core.Access;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using NightSafe.Core.Control;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Functions.Pages;

/// <summary>
/// The pages' HTML, built on the server with every value encoded. No inline script or style (the CSP forbids both):
/// behaviour comes from /api/assets/*.js, and what a script needs is in data- attributes.
/// </summary>
public static class PageHtml
{
    public const string Root = "/api/";
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    public static string NightName(NightId night) => night.Date.ToString("dddd d MMMM yyyy", Uk);

    public static string Layout(string title, Viewer? viewer, string? csrf, string main, params string[] scripts)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<title>").Append(E(title)).Append(" · NightSafe</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(Root).Append("assets/site.css\">");
        foreach (var script in scripts)
        {
            html.Append("<script src=\"").Append(Root).Append("assets/").Append(E(script)).Append("\" defer></script>");
        }

        html.Append("</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>")
            .Append("<header class=\"top\"><span class=\"brand\">NightSafe</span>");
        if (viewer is not null)
        {
            html.Append("<span class=\"who\">").Append(E(viewer.Name)).Append("</span>");
            if (csrf is not null && !viewer.FromPlatform)
            {
                html.Append("<form method=\"post\" action=\"").Append(Root).Append("sign-out\" class=\"inline\">")
                    .Append(Csrf(csrf)).Append("<button type=\"submit\" class=\"link\">Sign out</button></form>");
            }
            else if (viewer.FromPlatform)
            {
                html.Append("<a href=\"/.auth/logout\">Sign out</a>");
            }
        }

        html.Append("</header>").Append(main).Append("</body></html>");
        return html.ToString();
    }

    public static string Csrf(string token) => $"<input type=\"hidden\" name=\"csrf\" value=\"{E(token)}\">";

    /// <summary>A page that only says something: refused, expired, sign in first.</summary>
    public static string Message(string title, string text, Viewer? viewer = null, string? linkHref = null, string? linkText = null)
    {
        var link = linkHref is null ? string.Empty : $"<p><a href=\"{E(linkHref)}\">{E(linkText)}</a></p>";
        return Layout(title, viewer, null, $"<main id=\"main\" class=\"narrow\"><h1>{E(title)}</h1><p>{E(text)}</p>{link}</main>");
    }

    /// <summary>The live board's frame; board.js fills it from the JSON feed and keeps it fresh.</summary>
    public static string Board(NightId night, Viewer viewer, string csrf, bool live, string? summaryText = null)
    {
        var feed = live ? $"{Root}board/night.json?night={night}" : $"{Root}board/summary.json?night={night}";
        var title = live ? "Night board" : "Past night";
        var main = new StringBuilder();
        main.Append("<main id=\"main\" class=\"board\" data-feed=\"").Append(E(feed)).Append("\" data-live=\"").Append(live ? "true" : "false").Append("\">")
            .Append("<div class=\"bar\"><h1>").Append(title).Append(" <span class=\"night\">").Append(E(NightName(night))).Append("</span></h1>")
            .Append("<p id=\"updated\" class=\"updated\">Loading…</p><p id=\"announce\" class=\"sr-only\" role=\"status\" aria-live=\"polite\"></p>")
            .Append("<nav aria-label=\"Board\"><ul class=\"nav\">")
            .Append("<li><a href=\"").Append(Root).Append("board\">Tonight</a></li>")
            .Append("<li><a href=\"").Append(Root).Append("board/nights?night=").Append(night.Previous).Append("\">Past nights</a></li>")
            .Append("</ul></nav></div>");
        if (!live)
        {
            main.Append("<form class=\"pick\" method=\"get\" action=\"").Append(Root).Append("board/nights\">")
                .Append("<label for=\"night\">Night</label> <input type=\"date\" id=\"night\" name=\"night\" value=\"").Append(night).Append("\" required> ")
                .Append("<button type=\"submit\">Show</button></form>");
            if (summaryText is not null)
            {
                main.Append("<p class=\"summary-text\" id=\"summary-text\">").Append(E(summaryText)).Append("</p>");
            }
        }

        main.Append("<section aria-labelledby=\"glance-h\" class=\"glance\"><h2 id=\"glance-h\">The night at a glance</h2>")
            .Append("<ul class=\"tiles\" id=\"tiles\"></ul>")
            .Append("<div class=\"charts\">")
            .Append("<figure class=\"chart\" id=\"chart-hour\"><figcaption>Referrals per hour</figcaption></figure>")
            .Append("<figure class=\"chart\" id=\"chart-town\"><figcaption>Referrals per town</figcaption></figure>")
            .Append("<figure class=\"chart\" id=\"chart-category\"><figcaption>Referrals per concern</figcaption></figure>")
            .Append("<figure class=\"chart\" id=\"chart-accept\"><figcaption>Median time to accept, per agency</figcaption></figure>")
            .Append("</div></section>");
        if (live)
        {
            main.Append("<section aria-labelledby=\"refs-h\" class=\"referrals\"><h2 id=\"refs-h\">Referrals, newest first</h2>")
                .Append("<table id=\"referrals\"><thead><tr>")
                .Append("<th scope=\"col\">Ref</th><th scope=\"col\">Time</th><th scope=\"col\">Town</th><th scope=\"col\">Concerns</th>")
                .Append("<th scope=\"col\">Priority</th><th scope=\"col\">Status</th><th scope=\"col\">Agencies</th><th scope=\"col\">Waiting</th>")
                .Append("<th scope=\"col\">Escalations</th><th scope=\"col\">Failed SMS</th></tr></thead><tbody></tbody></table>")
                .Append("<p id=\"empty\" class=\"empty\" hidden>No referrals yet tonight.</p></section>");
        }

        main.Append("</main>");
        return Layout(title, viewer, csrf, main.ToString(), "board.js");
    }

    /// <summary>One referral's dossier: what the control room may see, recorded as a consultation before it is shown.</summary>
    public static string Dossier(ReferralDossier dossier, RoutingWorld world, Viewer viewer, string csrf, string? done = null, string? problem = null)
    {
        var r = dossier.Referral;
        var main = new StringBuilder();
        main.Append("<main id=\"main\" class=\"dossier\"><p class=\"crumbs\"><a href=\"").Append(Root).Append("board?night=").Append(r.Night).Append("\">Night board</a></p>")
            .Append("<h1>Referral ").Append(E(r.Reference.ToString())).Append(" <span class=\"night\">").Append(E(NightName(r.Night))).Append("</span></h1>");
        if (done is not null)
        {
            main.Append("<p class=\"done\" role=\"status\">").Append(E(done)).Append("</p>");
        }

        if (problem is not null)
        {
            main.Append("<p class=\"alert\" role=\"alert\">").Append(E(problem)).Append("</p>");
        }

        if (r.CanRouteByHand)
        {
            main.Append("<p class=\"alert\">Needs manual routing: automatic routing failed.</p>");
            RouteByHandForm(main, r, world, csrf);
        }

        if (r.ErasedAt is { } erased)
        {
            main.Append("<p class=\"notice\">Personal data erased ").Append(E(Local(world, erased))).Append(".</p>");
        }

        main.Append("<dl class=\"fields\">");
        Field(main, "Status", r.Status.ToString());
        Field(main, "Received", Local(world, r.ReceivedAt));
        Field(main, "Source", r.Source.ToString().ToLowerInvariant());
        Field(main, "Town", world.FindTown(r.TownId)?.Name ?? r.TownId.Value);
        Field(main, "Concerns", string.Join(", ", r.Categories.Select(c => world.FindCategory(c)?.Name ?? c.Value)));
        Field(main, "Priority", r.Priority.ToString().ToLowerInvariant());
        Field(main, "Location", r.Location);
        Field(main, "Description", r.Description);
        Field(main, "Subject phone", r.SubjectPhone);
        Field(main, "Consent", r.Consent.ToString());
        Field(main, "Referred by", r.Officer);
        Field(main, "Advice SMS", r.Advice.ToString() + (r.AdviceError is { } error ? $" (error {error})" : string.Empty));
        Field(main, "Routed", r.RoutedAt is { } routed ? Local(world, routed) : null);
        Field(main, "Closed", r.ClosedAt is { } closed ? Local(world, closed) : null);
        main.Append("</dl>");

        main.Append("<h2>Agencies</h2><table><thead><tr><th scope=\"col\">Agency</th><th scope=\"col\">Status</th><th scope=\"col\">Sent</th><th scope=\"col\">Accepted</th><th scope=\"col\">Fields disclosed</th></tr></thead><tbody>");
        foreach (var c in dossier.Cases)
        {
            main.Append("<tr><td>").Append(E(world.FindAgency(c.AgencyId)?.Name ?? c.AgencyId.Value)).Append("</td><td>").Append(E(c.IsWithheld ? "withheld" : c.Status.ToString().ToLowerInvariant()))
                .Append("</td><td>").Append(E(c.IsWithheld ? "never sent (closed while routing)" : Local(world, c.DisclosedAt))).Append("</td><td>").Append(E(c.AcceptedAt is { } a ? Local(world, a) : "—"))
                .Append("</td><td>").Append(E(string.Join(", ", c.Fields))).Append("</td></tr>");
        }

        main.Append("</tbody></table>");
        main.Append("<h2>Audit trail</h2><table class=\"trail\"><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Event</th><th scope=\"col\">By</th><th scope=\"col\">Details</th></tr></thead><tbody>");
        foreach (var e in dossier.Trail)
        {
            main.Append("<tr><td>").Append(E(world.ToLocal(e.At).ToString("HH:mm:ss", CultureInfo.InvariantCulture))).Append("</td><td>").Append(E(e.Kind))
                .Append("</td><td>").Append(E(e.Actor)).Append("</td><td>").Append(E(string.Join("; ", e.Data.Select(d => $"{d.Key}: {d.Value}")))).Append("</td></tr>");
        }

        main.Append("</tbody></table></main>");
        return Layout($"Referral {r.Reference}", viewer, csrf, main.ToString());
    }

    /// <summary>An agency's desk: its open and recent cases. desk.js refreshes the list while the page is open.</summary>
    public static string Desk(Agency agency, IReadOnlyList<DeskCase> cases, Viewer viewer, string csrf)
    {
        var main = new StringBuilder();
        main.Append("<main id=\"main\" class=\"desk\" data-refresh=\"").Append(Root).Append("desk/").Append(E(agency.Id.Value)).Append("\">")
            .Append("<h1>").Append(E(agency.Name)).Append("</h1>")
            .Append("<p id=\"desk-status\" class=\"updated\" role=\"status\" aria-live=\"polite\"></p>")
            .Append(CaseList(agency, cases))
            .Append("</main>");
        return Layout(agency.Name, viewer, csrf, main.ToString(), "desk.js");
    }

    public static string CaseList(Agency agency, IReadOnlyList<DeskCase> cases)
    {
        var list = new StringBuilder("<div id=\"cases\">");
        var open = cases.Where(c => c.IsOpen).ToList();
        var recent = cases.Where(c => !c.IsOpen).ToList();
        list.Append("<h2>Open cases <span class=\"count\">").Append(open.Count).Append("</span></h2>");
        AppendCases(list, agency, open, "No open cases.");
        list.Append("<h2>Recent</h2>");
        AppendCases(list, agency, recent, "Nothing closed or declined yet.");
        return list.Append("</div>").ToString();
    }

    /// <summary>One case in the agency's view, with the outcomes it may move to.</summary>
    public static string DeskCasePage(Agency agency, DeskCase c, Viewer viewer, string csrf, string? done, string? problem)
    {
        var main = new StringBuilder();
        main.Append("<main id=\"main\" class=\"desk case\">");
        if (viewer.CaseScope is null)
        {
            main.Append("<p class=\"crumbs\"><a href=\"").Append(Root).Append("desk/").Append(E(agency.Id.Value)).Append("\">All cases</a></p>");
        }

        main.Append("<h1>Case ").Append(E(c.Reference.ToString())).Append("</h1>")
            .Append("<p class=\"agency\">").Append(E(agency.Name)).Append("</p>");
        if (done is not null)
        {
            main.Append("<p class=\"done\" role=\"status\">Recorded: ").Append(E(done)).Append(".</p>");
        }

        if (problem is not null)
        {
            main.Append("<p class=\"alert\" role=\"alert\">").Append(E(problem)).Append("</p>");
        }

        main.Append("<p class=\"state state-").Append(E(Status(c.Status))).Append("\">").Append(E(StatusText(c.Status))).Append("</p>");
        if (LatenessText(c) is { } late)
        {
            main.Append("<p class=\"late late-").Append(E(Lateness(c.Lateness))).Append("\">").Append(E(late)).Append("</p>");
        }

        main.Append("<dl class=\"fields\">");
        foreach (var field in c.Fields)
        {
            if (field.Name == ReferralFields.SubjectPhone)
            {
                main.Append("<dt>").Append(E(field.Label)).Append("</dt><dd><a class=\"phone\" href=\"tel:").Append(E(field.Value)).Append("\">").Append(E(field.Value)).Append("</a></dd>");
            }
            else
            {
                Field(main, field.Label, field.Value);
            }
        }

        main.Append("</dl>");
        var moves = Moves(c.Status);
        if (moves.Count > 0)
        {
            main.Append("<form method=\"post\" class=\"outcome\" action=\"").Append(Root).Append("desk/").Append(E(agency.Id.Value)).Append("/cases/")
                .Append(c.Night).Append('/').Append(E(c.Reference.ToString())).Append("/outcome\">")
                .Append(Csrf(csrf))
                .Append("<label for=\"note\">Note (optional)</label>")
                .Append("<textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"1000\"></textarea>")
                .Append("<div class=\"actions\">");
            foreach (var (value, label) in moves)
            {
                main.Append("<button type=\"submit\" name=\"outcome\" value=\"").Append(value).Append("\" class=\"act act-").Append(value).Append("\">").Append(label).Append("</button>");
            }

            main.Append("</div></form>");
        }

        main.Append("</main>");
        return Layout($"Case {c.Reference}", viewer, csrf, main.ToString());
    }

    private static void AppendCases(StringBuilder list, Agency agency, List<DeskCase> cases, string none)
    {
        if (cases.Count == 0)
        {
            list.Append("<p class=\"empty\">").Append(none).Append("</p>");
            return;
        }

        list.Append("<ul class=\"cases\">");
        foreach (var c in cases)
        {
            list.Append("<li class=\"case-card priority-").Append(E(c.Priority)).Append("\"><a href=\"").Append(Root).Append("desk/").Append(E(agency.Id.Value)).Append("/cases/")
                .Append(c.Night).Append('/').Append(E(c.Reference.ToString())).Append("\">")
                .Append("<span class=\"ref\">").Append(E(c.Reference.ToString())).Append("</span> ")
                .Append("<span class=\"time\">").Append(E(c.LocalTime)).Append("</span> ")
                .Append("<span class=\"town\">").Append(E(c.Town)).Append("</span> ")
                .Append("<span class=\"cats\">").Append(E(string.Join(", ", c.Categories))).Append("</span> ")
                .Append(c.Priority == "high" ? "<span class=\"badge high\">high</span> " : string.Empty)
                .Append("<span class=\"badge state-").Append(E(Status(c.Status))).Append("\">").Append(E(Status(c.Status))).Append("</span>")
                .Append(c.Lateness == DeskLateness.OnTime ? string.Empty : $" <span class=\"badge late-{Lateness(c.Lateness)}\">{Lateness(c.Lateness)}</span>")
                .Append("</a></li>");
        }

        list.Append("</ul>");
    }

    /// <summary>The outcomes a case may move to (the same forward-only rule the partner API applies).</summary>
    private static List<(string Value, string Label)> Moves(CaseStatus status) => status switch
    {
        CaseStatus.Sent => [("accepted", "Accept"), ("declined", "Decline")],
        CaseStatus.Accepted => [("attended", "Attended"), ("closed", "Close"), ("declined", "Decline")],
        CaseStatus.Attended => [("closed", "Close")],
        _ => [],
    };

    private static string Status(CaseStatus status) => status.ToString().ToLowerInvariant();

    private static string Lateness(DeskLateness lateness) => lateness.ToString().ToLowerInvariant();

    /// <summary>What an unanswered case's lateness means for the person at the desk; null when on time.</summary>
    private static string? LatenessText(DeskCase c) => c.Lateness switch
    {
        DeskLateness.Reminded => $"Past its first deadline (reminded at {c.LateSince}): accept or decline now, or it goes to the control room.",
        DeskLateness.Escalated => $"Not answered in time: sent to the control room at {c.LateSince}. Accept it still if you can attend.",
        _ => null,
    };

    private static string StatusText(CaseStatus status) => status switch
    {
        CaseStatus.Sent => "New: not yet accepted",
        CaseStatus.Accepted => "Accepted by your agency",
        CaseStatus.Attended => "Attended",
        CaseStatus.Declined => "Declined",
        CaseStatus.Closed => "Closed",
        _ => status.ToString(),
    };

    /// <summary>
    /// The control room routes a flagged referral by hand: every agency covering its town, those that handle one of its
    /// concerns ticked; the same publishing, minimisation and audit as automatic routing.
    /// </summary>
    private static void RouteByHandForm(StringBuilder main, Referral r, RoutingWorld world, string csrf)
    {
        main.Append("<form method=\"post\" class=\"route-by-hand\" action=\"").Append(Root).Append("board/referrals/").Append(r.Night).Append('/').Append(E(r.Reference.ToString())).Append("/route\">")
            .Append(Csrf(csrf))
            .Append("<fieldset><legend>Route by hand to</legend>");
        foreach (var agency in world.Agencies.Where(a => a.CoversTown(r.TownId)))
        {
            var id = "route-" + agency.Id;
            main.Append("<div class=\"choice\"><input type=\"checkbox\" name=\"agency\" id=\"").Append(E(id)).Append("\" value=\"").Append(E(agency.Id.Value)).Append('"')
                .Append(r.Categories.Any(agency.Accepts) ? " checked" : string.Empty).Append("><label for=\"").Append(E(id)).Append("\">").Append(E(agency.Name)).Append("</label></div>");
        }

        main.Append("</fieldset><button type=\"submit\" class=\"act\">Send the case to the ticked agencies</button></form>");
    }

    private static void Field(StringBuilder html, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            html.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>");
        }
    }

    private static string Local(RoutingWorld world, DateTimeOffset at) =>
        world.ToLocal(at).ToString("ddd d MMM HH:mm", Uk);
}
