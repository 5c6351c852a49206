using System.Net;
using NightSafe.Core.References;
using OpenQA.Selenium;

namespace NightSafe.Pages.Tests;

/// <summary>The partner desk and case links in a real browser against the real offline hub.</summary>
[Collection(SharedHub.Name)]
public sealed class DeskTests(PagesFixture fixture, ITestOutputHelper output) : IDisposable
{
    private const string Pastors = "street-pastors-chelmsford";
    private const string CommunitySafety = "community-safety-chelmsford";
    private readonly List<Browser> _browsers = [];

    [Fact]
    public async Task A_partner_accepts_on_its_desk_and_the_board_shows_it()
    {
        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl());
        var reference = await fixture.ReferAsync("Chelmsford spiking at Bond St, female 19, 07700 900125, consent yes");
        var pastorsOnBoard = $"#r-{reference} li[data-agency='{Pastors}']";
        board.Until(d => d.FindElements(By.CssSelector(pastorsOnBoard)).Count == 1, "the case routed to the street pastors");

        var desk = Open(Browser.Phone);
        desk.Go(fixture.Hub.DeskSignInUrl(Pastors, "Pastor Jo"));
        desk.Until(d => d.Title.StartsWith("Chelmsford Street Pastors", StringComparison.Ordinal) || d.FindElements(By.CssSelector("main.desk")).Count == 1, "the desk");
        desk.Find($"a[href$='/{reference}']").Click();
        desk.Until(d => d.Title.StartsWith($"Case {reference}", StringComparison.Ordinal), "the case page");
        // Street pastors may see the phone when the person consented, as a number to call.
        Assert.Equal("tel:+447700900125", desk.Find("a.phone").GetAttribute("href"));
        desk.FullScreenshot(fixture.ResultsFolder, "desk-phone-case");
        desk.Find("#note").SendKeys("On our way, 2 min");
        desk.Find("button[value='accepted']").Click();
        desk.Until(d => d.FindElement(By.CssSelector("p.done")).Text.Contains("accepted", StringComparison.Ordinal), "the recorded answer");
        Assert.Contains("Accepted by your agency", desk.Text, StringComparison.Ordinal);

        board.Until(d => d.FindElement(By.CssSelector(pastorsOnBoard)).GetAttribute("data-status") == "accepted", "the acceptance on the board", seconds: 8);
        Assert.StartsWith("✓", board.Find(pastorsOnBoard).Text, StringComparison.Ordinal);
        Assert.Contains("accepted after", board.Find($"#r-{reference}").Text, StringComparison.Ordinal);

        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}");
        desk.FullScreenshot(fixture.ResultsFolder, "desk-phone-list");
    }

    [Fact]
    public async Task A_desk_never_shows_another_agencys_case_or_a_field_outside_its_view()
    {
        var reference = await fixture.ReferAsync("Chelmsford spiked outside Bar 9, female 20s, 07700 900126, consent y, friend says drink tasted odd");
        var other = await fixture.ReferAsync("Colchester drunk and alone on the High St, male 30s, consent n", from: "+447700900003");

        await WaitForCaseAsync(reference, CommunitySafety);
        var desk = Open(Browser.Phone);
        desk.Go(fixture.Hub.DeskSignInUrl(CommunitySafety));
        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{CommunitySafety}/cases/{fixture.Hub.Night}/{reference}");
        Assert.StartsWith($"Case {reference}", desk.Title, StringComparison.Ordinal);
        Assert.Contains("Bar 9", desk.Text, StringComparison.Ordinal);
        // Community safety's shares hold no phone and no description, consent or not.
        Assert.DoesNotContain("900126", desk.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("tasted odd", desk.Text, StringComparison.Ordinal);
        Assert.False(desk.Exists("a.phone"));

        // Another agency's case, by changing the URL: 403, and the attempt logged.
        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{CommunitySafety}/cases/{fixture.Hub.Night}/{other}");
        Assert.Equal("Not yours to see · NightSafe", desk.Title);
        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/street-pastors-colchester/cases/{fixture.Hub.Night}/{other}");
        Assert.Equal("Not yours to see · NightSafe", desk.Title);
        desk.Go(fixture.Hub.Functions.BaseUrl, "api/desk/street-pastors-colchester");
        Assert.Equal("Not yours to see · NightSafe", desk.Title);
        Assert.Contains(fixture.Logs, l => l.Contains($"asked for referral {fixture.Hub.Night}/{other}, which was not routed to it", StringComparison.Ordinal));

        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{CommunitySafety}");
        Assert.Contains(reference.ToString(), desk.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(other.ToString(), desk.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signed_case_link_opens_one_case_and_fails_when_tampered_expired_or_closed()
    {
        var reference = await fixture.ReferAsync("Chelmsford separated from friends near the bus station, female 18, 07700 900127, consent y");
        var link = fixture.Hub.CaseLinkUrl(fixture.Hub.Night, reference, Pastors);
        Assert.True(link.AbsoluteUri.Length < 80, link.AbsoluteUri);
        await WaitForCaseAsync(reference, Pastors);

        var phone = Open(Browser.Phone);
        phone.Go(link);
        phone.Until(d => d.Title.StartsWith($"Case {reference}", StringComparison.Ordinal), "the case opened by its link");
        Assert.Contains("bus station", phone.Text, StringComparison.Ordinal);
        Assert.False(phone.Exists(".crumbs"));
        // Signed in to that case only: the agency's list sends it back to its case; other pages are refused.
        phone.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}");
        Assert.StartsWith($"Case {reference}", phone.Title, StringComparison.Ordinal);
        var another = await fixture.ReferAsync("Chelmsford very drunk on Moulsham St, male 20s, consent n");
        phone.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}/cases/{fixture.Hub.Night}/{another}");
        Assert.Equal("Not yours to see · NightSafe", phone.Title);

        // Tampered: one character of the token changed.
        var token = link.AbsoluteUri[(link.AbsoluteUri.LastIndexOf('/') + 1)..];
        var tampered = token[..^1] + (token[^1] == 'A' ? 'B' : 'A');
        var fresh = Open(Browser.Phone);
        fresh.Go(fixture.Hub.Functions.BaseUrl, $"api/c/{tampered}");
        Assert.Equal("Link not valid · NightSafe", fresh.Title);
        fresh.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}/cases/{fixture.Hub.Night}/{reference}");
        Assert.Equal("Sign in · NightSafe", fresh.Title);

        // Expired: a genuine link for last night's case (that night ended at 08:00 this morning).
        fresh.Go(fixture.Hub.CaseLinkUrl(fixture.Hub.Night.Previous, reference, Pastors));
        Assert.Equal("Link expired · NightSafe", fresh.Title);

        // Closed: once the agency closes the case, the link no longer opens it, not even mid-session.
        phone.Go(link);
        phone.Find("button[value='accepted']").Click();
        phone.Until(d => d.FindElements(By.CssSelector("button[value='closed']")).Count == 1, "the close button after accepting");
        phone.Find("button[value='closed']").Click();
        phone.Until(d => d.Title.StartsWith("Case no longer open", StringComparison.Ordinal), "the closed case refusing its link");
        fresh.Go(link);
        Assert.Equal("Case no longer open · NightSafe", fresh.Title);
    }

    [Fact]
    public async Task The_desk_works_with_the_keyboard_alone()
    {
        var reference = await fixture.ReferAsync("Chelmsford sexual harassment outside the Riverside, female 25, consent n");
        await WaitForCaseAsync(reference, CommunitySafety);
        var desk = Open(Browser.Phone);
        desk.Go(fixture.Hub.DeskSignInUrl(CommunitySafety));

        // Tab from the top: skip link first, then on to this case's link, Enter to open it.
        var actions = new OpenQA.Selenium.Interactions.Actions(desk.Driver);
        actions.SendKeys(Keys.Tab).Perform();
        Assert.Equal("Skip to content", desk.Driver.SwitchTo().ActiveElement().Text);
        for (var i = 0; i < 40 && !(desk.Driver.SwitchTo().ActiveElement().GetAttribute("href") ?? string.Empty).EndsWith($"/{reference}", StringComparison.Ordinal); i++)
        {
            actions.SendKeys(Keys.Tab).Perform();
        }

        actions.SendKeys(Keys.Enter).Perform();
        desk.Until(d => d.Title.StartsWith($"Case {reference}", StringComparison.Ordinal), "the case opened with Enter");

        // Into the note, type, Tab to Accept, Enter.
        for (var i = 0; i < 20 && desk.Driver.SwitchTo().ActiveElement().GetAttribute("id") != "note"; i++)
        {
            actions.SendKeys(Keys.Tab).Perform();
        }

        Assert.Equal("note", desk.Driver.SwitchTo().ActiveElement().GetAttribute("id"));
        actions.SendKeys("Team at the Riverside").SendKeys(Keys.Tab).Perform();
        Assert.Equal("accepted", desk.Driver.SwitchTo().ActiveElement().GetAttribute("value"));
        actions.SendKeys(Keys.Enter).Perform();
        desk.Until(d => d.FindElement(By.CssSelector("p.done")).Text.Contains("accepted", StringComparison.Ordinal), "the answer recorded from the keyboard");

        // The board too: Tab to a referral's link and open its dossier with Enter.
        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl());
        board.Until(d => d.FindElement(By.Id($"r-{reference}")), "the referral on the board");
        var keys = new OpenQA.Selenium.Interactions.Actions(board.Driver);
        for (var i = 0; i < 60 && board.Driver.SwitchTo().ActiveElement().Text != reference.ToString(); i++)
        {
            keys.SendKeys(Keys.Tab).Perform();
        }

        keys.SendKeys(Keys.Enter).Perform();
        board.Until(d => d.Title.StartsWith($"Referral {reference}", StringComparison.Ordinal), "the dossier opened with Enter");
    }

    [Fact]
    public async Task Desk_answers_are_refused_without_the_forms_csrf_token()
    {
        var reference = await fixture.ReferAsync("Chelmsford drunk outside Bar 9, male 30s, consent n");
        await WaitForCaseAsync(reference, Pastors);
        var desk = Open(Browser.Desktop);
        desk.Go(fixture.Hub.DeskSignInUrl(Pastors));
        var cookie = desk.Driver.Manage().Cookies.GetCookieNamed("nightsafe");
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly);
        Assert.Equal("Strict", cookie.SameSite);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}/cases/{fixture.Hub.Night}/{reference}/outcome"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["outcome"] = "accepted", ["csrf"] = "forged" }),
        };
        request.Headers.Add("Cookie", $"nightsafe={cookie.Value}");
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false });
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        desk.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{Pastors}/cases/{fixture.Hub.Night}/{reference}");
        Assert.Contains("New: not yet accepted", desk.Text, StringComparison.Ordinal);
    }

    private async Task WaitForCaseAsync(ReferenceCode reference, string agency)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Hub.Functions.BaseUrl, $"api/partners/{agency}/cases?night={fixture.Hub.Night}"));
            request.Headers.Add("X-Partner-Key", fixture.Hub.PartnerKeys[agency]);
            using var response = await fixture.Http.SendAsync(request);
            if ((await response.Content.ReadAsStringAsync()).Contains(reference.ToString(), StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"case {reference} never reached {agency}");
            await Task.Delay(100);
        }
    }

    private Browser Open(System.Drawing.Size size)
    {
        var browser = new Browser(size);
        _browsers.Add(browser);
        return browser;
    }

    public void Dispose()
    {
        foreach (var browser in _browsers)
        {
            browser.Dispose();
        }

        fixture.WriteLogTail(output, 20);
    }
}
