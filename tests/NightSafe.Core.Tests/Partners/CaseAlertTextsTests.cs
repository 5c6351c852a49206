using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Partners;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.Routing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Partners;

public sealed class CaseAlertTextsTests
{
    private static readonly ReferenceCode Reference = ReferenceCode.Parse("7KQ2MX");

    // Long free text, so that every alert must be cut to fit; each field carries a word no other field has.
    private const string Location = "outside Bar 9 on Duke Street by the taxi rank opposite the station, near the big Christmas tree in the square";
    private const string Description = "female 20s, drowsy and confused, friend says her drink tasted odd, friend on 07700 900555 waiting with her, wearing a red coat";

    public static TheoryData<string> AgencyIds => new(TestWorld.Real.Agencies.Select(a => a.Id).Values());

    [Fact]
    public void An_urgent_alert_reads_as_the_duty_phone_needs_it()
    {
        var @case = CaseFor(TestWorld.Real.FindAgency(new AgencyId("street-pastors-chelmsford"))!, ["spiking", "injury"], Consent.Given, location: "outside Bar 9", description: "female 20s");

        var text = CaseAlertTexts.CaseAlert(@case, AlertReason.New, TestWorld.Real);

        Assert.Equal("NightSafe 7KQ2MX URGENT spiking+injury, Chelmsford 23:41, outside Bar 9, female 20s. Reply ACC 7KQ2MX or DEC 7KQ2MX", text);
    }

    [Theory]
    [MemberData(nameof(AgencyIds))]
    public void Every_alert_for_every_category_combination_is_gsm7_two_segments_and_only_what_the_agency_may_see(string agencyId)
    {
        var world = TestWorld.Real;
        var agency = world.FindAgency(AgencyId.From(agencyId))!;
        var categories = world.Categories.Select(c => c.Id.Value).ToArray();
        var checkedTexts = 0;
        for (var mask = 1; mask < 1 << categories.Length; mask++)
        {
            var chosen = categories.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
            foreach (var consent in new[] { Consent.Given, Consent.Refused })
            {
                var @case = CaseFor(agency, chosen, consent, Location, Description);
                foreach (var reason in new[] { AlertReason.New, AlertReason.Reminder, AlertReason.Escalated })
                {
                    var text = CaseAlertTexts.CaseAlert(@case, reason, world, reason == AlertReason.Escalated ? "not accepted in 10 min" : null);
                    AssertAlert(text, @case, agency, chosen);
                    checkedTexts++;
                }
            }
        }

        Assert.Equal(((1 << categories.Length) - 1) * 2 * 3, checkedTexts);
    }

    [Fact]
    public void Cancellation_and_inspector_texts_are_gsm7_two_segments_and_carry_no_free_text()
    {
        var world = TestWorld.Real;
        var referral = Referral(["spiking", "injury"], Consent.Given, Location, Description);
        var @case = CaseFor(world.FindAgency(new AgencyId("street-pastors-chelmsford"))!, ["spiking", "injury"], Consent.Given, Location, Description);
        var texts = new[]
        {
            CaseAlertTexts.Cancellation(Reference, "closed by the officer"),
            CaseAlertTexts.ControlRoomReminder(@case, world.FindAgency(new AgencyId("street-pastors-chelmsford"))!, TimeSpan.FromMinutes(5)),
            CaseAlertTexts.InspectorEscalation(referral, world, "not accepted by Chelmsford Street Pastors in 10 min"),
            CaseAlertTexts.InspectorUrgent(referral, world),
        };

        Assert.All(texts, text =>
        {
            Assert.True(SmsText.IsGsm7(text), text);
            Assert.InRange(SmsText.Segments(text), 1, CaseAlertTexts.MaxSegments);
            Assert.Contains("7KQ2MX", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Duke Street", text, StringComparison.Ordinal);
            Assert.DoesNotContain("drowsy", text, StringComparison.Ordinal);
            Assert.DoesNotContain("900123", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Officers_words_outside_gsm7_are_rewritten_not_sent_as_ucs2()
    {
        var @case = CaseFor(TestWorld.Real.FindAgency(new AgencyId("street-pastors-chelmsford"))!, ["alone"], Consent.Given, location: "outside \u201cBar 9\u201d \u2014 Duke St", description: "crying \U0001F622");

        var text = CaseAlertTexts.CaseAlert(@case, AlertReason.New, TestWorld.Real);

        Assert.True(SmsText.IsGsm7(text), text);
        Assert.Contains("\"Bar 9\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_desk_link_ends_the_alert_whole_and_the_text_stays_within_two_gsm7_segments()
    {
        var @case = CaseFor(TestWorld.Real.FindAgency(new AgencyId("street-pastors-chelmsford"))!, ["alone", "intoxicated"], Consent.Given, location: new string('x', 300), description: new string('y', 300));
        var link = new Uri("https://func-nightsafe-abc123.azurewebsites.net/api/c/AAECAwQFBgcICQoLDA0ODxAREhMU");

        var text = CaseAlertTexts.CaseAlert(@case, AlertReason.New, TestWorld.Real, deskLink: link);

        Assert.True(SmsText.IsGsm7(text), text);
        Assert.InRange(SmsText.Segments(text), 1, CaseAlertTexts.MaxSegments);
        Assert.EndsWith("Reply ACC 7KQ2MX or DEC 7KQ2MX or open " + link.AbsoluteUri, text, StringComparison.Ordinal);
    }

    private static void AssertAlert(string text, PartnerCase @case, Agency agency, string[] categories)
    {
        Assert.True(SmsText.IsGsm7(text), text);
        Assert.InRange(SmsText.Segments(text), 1, CaseAlertTexts.MaxSegments);
        Assert.StartsWith("NightSafe ", text, StringComparison.Ordinal);
        Assert.EndsWith("Reply ACC 7KQ2MX or DEC 7KQ2MX", text, StringComparison.Ordinal);
        // Never the subject's phone, in any form, nor a number written in the free text.
        Assert.DoesNotContain("900123", text, StringComparison.Ordinal);
        Assert.DoesNotContain("900555", text, StringComparison.Ordinal);
        var fields = @case.Fields;
        Assert.Equal(fields.Contains(ReferralFields.Location), text.Contains("Bar 9", StringComparison.Ordinal));
        if (!fields.Contains(ReferralFields.Description))
        {
            Assert.DoesNotContain("drowsy", text, StringComparison.Ordinal);
        }

        if (!fields.Contains(ReferralFields.Officer))
        {
            Assert.DoesNotContain("4107", text, StringComparison.Ordinal);
        }

        if (!fields.Contains(ReferralFields.Priority))
        {
            Assert.DoesNotContain("URGENT", text, StringComparison.Ordinal);
            Assert.DoesNotContain("HIGH", text, StringComparison.Ordinal);
        }

        if (fields.Contains(ReferralFields.Categories))
        {
            Assert.Contains(string.Join('+', categories), text, StringComparison.Ordinal);
        }

        Assert.Contains(ReferralFields.Reference, agency.Shares);
    }

    private static Referral Referral(string[] categories, Consent consent, string? location, string? description) => new()
    {
        Night = NightId.Parse("2026-12-18"),
        Reference = Reference,
        ReceivedAt = new DateTimeOffset(2026, 12, 18, 23, 41, 0, TimeSpan.Zero),
        Source = ReferralSource.Sms,
        TownId = new TownId("chelmsford"),
        Categories = categories.As<CategoryId>(),
        Priority = TestWorld.Real.PriorityOf(categories.As<CategoryId>()),
        Location = location,
        Description = description,
        SubjectPhone = "+447700900123",
        Consent = consent,
        Officer = "PC 4107",
    };

    private static PartnerCase CaseFor(Agency agency, string[] categories, Consent consent, string? location, string? description)
    {
        var referral = Referral(categories, consent, location, description);
        var (body, fields) = CaseMessage.Build(referral, agency, categories.As<CategoryId>(), TestWorld.Real);
        return new PartnerCase
        {
            Night = referral.Night,
            Reference = referral.Reference,
            AgencyId = agency.Id,
            DisclosedAt = referral.ReceivedAt,
            Fields = fields,
            View = body,
        };
    }
}
