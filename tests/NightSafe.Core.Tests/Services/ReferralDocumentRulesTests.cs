using NightSafe.Core.World;
using NightSafe.Core.Intake;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Referrals;

namespace NightSafe.Core.Tests.Services;

/// <summary>ReferralDocumentRules: a referral from another system, field by field.</summary>
public sealed class ReferralDocumentRulesTests
{
    [Fact]
    public void A_referral_document_names_each_invalid_field()
    {
        var (submission, errors) = ReferralDocumentRules.Check(
            new ReferralDocument { Town = "Atlantis", Categories = ["spiking", "levitation"], SubjectPhone = "12", Consent = "maybe", Description = new string('x', 2000) },
            ReferralSource.Api,
            "api",
            Hub.World);

        Assert.Null(submission);
        Assert.Equal(["categories", "consent", "description", "subjectPhone", "town"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_valid_referral_document_becomes_a_submission()
    {
        var (submission, errors) = ReferralDocumentRules.Check(
            new ReferralDocument { Town = "Southend-on-Sea", Categories = ["Alone", "transport"], SubjectPhone = "+44 7700 900321", Consent = "given", Referrer = "cad" },
            ReferralSource.Api,
            "api",
            Hub.World);

        Assert.Empty(errors);
        Assert.NotNull(submission);
        Assert.Equal("southend", submission.TownId.Value);
        Assert.Equal(["alone", "transport"], submission.Categories.Values());
        Assert.Equal("+447700900321", submission.SubjectPhone);
        Assert.Equal(Consent.Given, submission.Consent);
        Assert.Equal("system:cad", submission.Actor);
    }
}
