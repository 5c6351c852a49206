using NightSafe.Core.World;
using Microsoft.Extensions.Time.Testing;
using NightSafe.Core.Access;
using NightSafe.Core.Desk;
using NightSafe.Core.Nights;
using NightSafe.Core.References;

namespace NightSafe.Core.Tests.Pages;

public sealed class SigningTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly NightId Night = NightId.Parse("2026-12-18");
    private static readonly ReferenceCode Reference = ReferenceCode.Parse("7KQ2MX");

    [Fact]
    public void A_case_link_is_short_names_its_case_and_expires_when_the_night_ends()
    {
        var time = new FakeTimeProvider(TestWorld.Local(2026, 12, 18, 23, 0));
        var links = new CaseLinks(Key, TestWorld.Real, time);
        var token = links.Create(Night, Reference, new AgencyId("community-safety-chelmsford"));

        Assert.Equal(28, token.Length);
        Assert.Equal(CaseLinkRefusal.None, links.TryRead(token, out var link));
        Assert.Equal((Night, Reference, "community-safety-chelmsford"), (link!.Night, link.Reference, link.AgencyId.Value));
        Assert.Equal(TestWorld.Local(2026, 12, 19, 8, 0), link.ExpiresAt);

        time.SetUtcNow(TestWorld.Local(2026, 12, 19, 8, 0));
        Assert.Equal(CaseLinkRefusal.Expired, links.TryRead(token, out _));
    }

    [Fact]
    public void Every_changed_character_of_a_case_link_is_refused()
    {
        var links = new CaseLinks(Key, TestWorld.Real, new FakeTimeProvider(TestWorld.Local(2026, 12, 18, 23, 0)));
        var token = links.Create(Night, Reference, new AgencyId("street-pastors-chelmsford"));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (var i = 0; i < token.Length; i++)
        {
            var changed = token[..i] + alphabet[(alphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % alphabet.Length] + token[(i + 1)..];
            Assert.NotEqual(CaseLinkRefusal.None, links.TryRead(changed, out _));
        }

        Assert.NotEqual(CaseLinkRefusal.None, new CaseLinks(new byte[32], TestWorld.Real, TimeProvider.System).TryRead(token, out _));
    }

    [Fact]
    public void A_session_opens_only_for_its_purpose_unchanged_and_unexpired()
    {
        var time = new FakeTimeProvider(TestWorld.Local(2026, 12, 18, 23, 0));
        var sessions = new PageSessions(Key, time);
        var viewer = new Viewer(ViewerRole.Agency, "Pastor Jo", new AgencyId("street-pastors-chelmsford"), null, time.GetUtcNow().AddHours(1), "sid", FromPlatform: false);
        var sealedValue = sessions.Seal(PageSessions.SessionPurpose, viewer);

        Assert.Equal(viewer, sessions.Open(PageSessions.SessionPurpose, sealedValue));
        Assert.Null(sessions.Open(PageSessions.SignInPurpose, sealedValue));
        var payload = sealedValue.Split('.')[0];
        var forged = sessions.Seal(PageSessions.SessionPurpose, viewer with { Role = ViewerRole.ControlRoom }).Split('.')[0] + "." + sealedValue.Split('.')[1];
        Assert.Null(sessions.Open(PageSessions.SessionPurpose, forged));
        Assert.Null(sessions.Open(PageSessions.SessionPurpose, payload + ".AAAA"));
        Assert.True(sessions.CheckCsrf(viewer, sessions.CsrfToken(viewer)));
        Assert.False(sessions.CheckCsrf(viewer with { SessionId = "other" }, sessions.CsrfToken(viewer)));

        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(sessions.Open(PageSessions.SessionPurpose, sealedValue));
    }
}
