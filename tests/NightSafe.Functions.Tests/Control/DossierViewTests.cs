using System.Text.Json;
using NightSafe.Core.Access;
using NightSafe.Core.Control;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Functions.Http;
using NightSafe.Functions.Intake;
using NightSafe.Functions.Pages;
using NightSafe.LocalStack;

namespace NightSafe.Functions.Tests.Control;

/// <summary>The control room's dossier (its JSON and its page) says which cases routing withheld.</summary>
public sealed class DossierViewTests
{
    private static readonly DateTimeOffset Received = new(2026, 12, 18, 23, 40, 0, TimeSpan.Zero);

    [Fact]
    public void A_withheld_case_reads_as_withheld_in_the_dossier_and_its_page_and_not_as_sent()
    {
        var world = RoutingWorld.Load(RepositoryLayout.RoutingJson());
        var agencies = world.Agencies.Take(2).ToArray();
        var referral = new Referral
        {
            Night = NightId.Parse("2026-12-18"),
            Reference = ReferenceCode.New(),
            ReceivedAt = Received,
            Source = ReferralSource.Sms,
            TownId = world.Towns[0].Id,
            Categories = [.. agencies[0].Categories],
            Priority = Priority.Normal,
            Consent = Consent.Given,
            Status = ReferralStatus.Closed,
            ClosedAt = Received.AddSeconds(2),
        };
        var sent = Case(referral, agencies[0].Id, withheldAt: null);
        var withheld = Case(referral, agencies[1].Id, withheldAt: Received.AddSeconds(3));
        var dossier = new ReferralDossier(referral, [sent, withheld], []);

        var body = JsonSerializer.SerializeToNode(DossierBody.From(dossier, world), Responses.Json)!;
        var cases = body["cases"]!.AsArray();
        Assert.Null(cases[0]!["withheldAt"]);
        Assert.Equal(withheld.WithheldAt, cases[1]!["withheldAt"]!.GetValue<DateTimeOffset>());

        var viewer = new Viewer(ViewerRole.ControlRoom, "Insp Hale", null, null, Received.AddHours(8), "session", FromPlatform: false);
        var page = PageHtml.Dossier(dossier, world, viewer, csrf: "token");
        var rows = page.Split("<tr>").Where(r => r.Contains("</td>", StringComparison.Ordinal)).ToArray();
        var sentRow = Assert.Single(rows, r => r.Contains(Name(world, agencies[0].Id), StringComparison.Ordinal));
        var withheldRow = Assert.Single(rows, r => r.Contains(Name(world, agencies[1].Id), StringComparison.Ordinal));
        Assert.Contains("<td>sent</td>", sentRow, StringComparison.Ordinal);
        Assert.Contains("<td>withheld</td>", withheldRow, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>sent</td>", withheldRow, StringComparison.Ordinal);
        Assert.Contains("never sent", withheldRow, StringComparison.Ordinal);
    }

    private static string Name(RoutingWorld world, AgencyId id) => System.Net.WebUtility.HtmlEncode(world.FindAgency(id)!.Name);

    private static PartnerCase Case(Referral referral, AgencyId agency, DateTimeOffset? withheldAt) => new()
    {
        Night = referral.Night,
        Reference = referral.Reference,
        AgencyId = agency,
        DisclosedAt = Received.AddSeconds(1),
        Fields = ["location"],
        View = "{}",
        WithheldAt = withheldAt,
    };
}
