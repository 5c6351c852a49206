using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Routing;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.Routing;

public sealed class CaseFieldsTests
{
    private static Agency Agency(string id) => TestWorld.Real.FindAgency(AgencyId.From(id))!;

    [Theory]
    [InlineData(Consent.NotStated)]
    [InlineData(Consent.Refused)]
    public void Without_consent_street_pastors_get_location_and_description_but_not_the_phone(Consent consent)
    {
        var fields = CaseFields.For(Agency("street-pastors-chelmsford"), consent);

        Assert.Contains(ReferralFields.Location, fields);
        Assert.Contains(ReferralFields.Description, fields);
        Assert.DoesNotContain(ReferralFields.SubjectPhone, fields);
    }

    [Fact]
    public void With_consent_street_pastors_also_get_the_phone()
    {
        Assert.Contains(ReferralFields.SubjectPhone, CaseFields.For(Agency("street-pastors-chelmsford"), Consent.Given));
    }

    [Fact]
    public void The_perpetrator_programme_never_gets_the_phone_location_or_description()
    {
        foreach (var consent in Enum.GetValues<Consent>())
        {
            var fields = CaseFields.For(Agency("perpetrator-change-essex"), consent);
            Assert.DoesNotContain(ReferralFields.SubjectPhone, fields);
            Assert.DoesNotContain(ReferralFields.Location, fields);
            Assert.DoesNotContain(ReferralFields.Description, fields);
        }
    }

    [Fact]
    public void The_domestic_abuse_service_gets_contact_details_only_with_consent()
    {
        Assert.Equal(
            ["reference", "night", "receivedAt", "town", "categories", "priority", "officer"],
            CaseFields.For(Agency("da-survivors-essex"), Consent.Refused));
        Assert.Equal(
            ["reference", "night", "receivedAt", "town", "categories", "priority", "officer", "subjectPhone", "location", "locationLink", "description"],
            CaseFields.For(Agency("da-survivors-essex"), Consent.Given));
    }

    [Fact]
    public void Every_agency_gets_the_reference_and_nothing_outside_the_referral_fields()
    {
        foreach (var agency in TestWorld.Real.Agencies)
        {
            var fields = CaseFields.For(agency, Consent.Given);
            Assert.Contains(ReferralFields.Reference, fields);
            Assert.All(fields, f => Assert.Contains(f, ReferralFields.All));
            Assert.Equal(fields.Count, fields.Distinct().Count());
        }
    }

    [Fact]
    public void An_agency_that_may_see_the_location_gets_its_map_link_and_one_that_may_not_gets_neither()
    {
        var referral = new NightSafe.Core.Referrals.Referral
        {
            Night = NightSafe.Core.Nights.NightId.Parse("2026-12-18"),
            Reference = NightSafe.Core.References.ReferenceCode.Parse("7KQ2MX"),
            ReceivedAt = TestWorld.Local(2026, 12, 18, 23),
            Source = NightSafe.Core.Referrals.ReferralSource.Sms,
            TownId = new TownId("chelmsford"),
            Categories = [new CategoryId("intoxicated"), new CategoryId("domestic-abuse")],
            Priority = Priority.High,
            Location = "Yates ///filled.count.soap",
        };

        var (pastors, pastorFields) = NightSafe.Core.Routing.CaseMessage.Build(referral, Agency("street-pastors-chelmsford"), referral.Categories, TestWorld.Real);
        var (survivors, survivorFields) = NightSafe.Core.Routing.CaseMessage.Build(referral, Agency("da-survivors-essex"), referral.Categories, TestWorld.Real);

        Assert.Contains("\"locationLink\":\"https://what3words.com/filled.count.soap\"", pastors, StringComparison.Ordinal);
        Assert.Contains(ReferralFields.LocationLink, pastorFields);
        Assert.DoesNotContain("what3words", survivors, StringComparison.Ordinal);
        Assert.DoesNotContain(ReferralFields.LocationLink, survivorFields);
    }
}
