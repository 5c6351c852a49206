using System.Net;
using OpenQA.Selenium;

namespace NightSafe.Pages.Tests;

/// <summary>axe-core on every page, and the security headers and cookie flags every page carries.</summary>
[Collection(SharedHub.Name)]
public sealed class AccessibilityAndHeadersTests(PagesFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_page_has_no_serious_or_critical_accessibility_violations()
    {
        var reference = await fixture.ReferAsync("Chelmsford spiked at the Bond St bar, female 22, 07700 900128, consent y");
        var problems = new List<string>();
        using (var desktop = new Browser(Browser.Desktop))
        {
            var root = fixture.Hub.Functions.BaseUrl;
            desktop.Go(root, "api/board");
            Check(desktop, "sign in first", problems);
            desktop.Go(root, "api/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            Check(desktop, "case link not valid", problems);

            desktop.Go(fixture.Hub.BoardSignInUrl());
            desktop.Until(d => d.FindElement(By.Id($"r-{reference}")), "the referral on the board");
            desktop.Until(d => d.FindElements(By.CssSelector($"#r-{reference} li")).Count > 0, "its agencies");
            Check(desktop, "night board", problems);
            desktop.Go(root, $"api/board/referrals/{fixture.Hub.Night}/{reference}");
            Check(desktop, "dossier", problems);
            desktop.Go(root, $"api/board/nights?night={fixture.Hub.Night.Previous}");
            desktop.Until(d => d.FindElement(By.Id("updated")).Text.StartsWith("Figures", StringComparison.Ordinal), "the past night's figures");
            Check(desktop, "past night", problems);
            desktop.Go(root, "api/desk/street-pastors-chelmsford");
            Check(desktop, "403", problems);
        }

        using (var phone = new Browser(Browser.Phone))
        {
            phone.Go(fixture.Hub.BoardSignInUrl());
            phone.Until(d => d.FindElement(By.Id($"r-{reference}")), "the referral on the phone board");
            Check(phone, "night board on a phone", problems);
            phone.Screenshot(fixture.ResultsFolder, "board-phone");

            phone.Go(fixture.Hub.DeskSignInUrl("street-pastors-chelmsford"));
            phone.Until(d => d.FindElements(By.CssSelector($"a[href$='/{reference}']")).Count == 1, "the case on the desk");
            Check(phone, "desk", problems);
            phone.Find($"a[href$='/{reference}']").Click();
            phone.Until(d => d.Title.StartsWith($"Case {reference}", StringComparison.Ordinal), "the case page");
            Check(phone, "desk case", problems);
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Pages_carry_a_strict_csp_and_the_session_cookie_is_httponly_and_strict()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var signIn = await http.GetAsync(fixture.Hub.BoardSignInUrl());
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("HttpOnly", cookie, StringComparison.Ordinal);
        Assert.Contains("SameSite=Strict", cookie, StringComparison.Ordinal);
        // Plain http on the loopback address is the one place a cookie cannot be Secure.
        Assert.DoesNotContain("Secure", cookie, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Hub.Functions.BaseUrl, "api/board"));
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        using var board = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        var csp = string.Join(";", board.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(board.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(board.Headers.GetValues("Referrer-Policy")));
        var html = await board.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);

        // The platform's principal header is not trusted offline: no App Service Authentication strips it here.
        using var forged = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Hub.Functions.BaseUrl, "api/board"));
        forged.Headers.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String("{\"claims\":[{\"typ\":\"roles\",\"val\":\"NightSafe.ControlRoom\"}]}"u8.ToArray()));
        using var refused = await http.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    private void Check(Browser browser, string page, List<string> problems)
    {
        var violations = browser.SeriousAccessibilityViolations();
        output.WriteLine($"{page}: {violations.Count} serious or critical");
        problems.AddRange(violations.Select(v => $"{page}: {v}"));
    }
}
