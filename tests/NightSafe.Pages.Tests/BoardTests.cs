using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Integrations.Storage;
using OpenQA.Selenium;

namespace NightSafe.Pages.Tests;

/// <summary>The night board in a real browser against the real offline hub.</summary>
[Collection(SharedHub.Name)]
public sealed class BoardTests(PagesFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly List<Browser> _browsers = [];

    [Fact]
    public async Task An_officer_text_appears_on_the_board_within_seconds_without_a_reload()
    {
        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl("Inspector Hale"));
        board.Until(d => d.FindElement(By.Id("updated")).Text.StartsWith("Live", StringComparison.Ordinal), "the board's first poll");
        // A reload would drop this marker: the row must arrive by polling alone.
        board.Script("window.nightsafeNoReload = true;");

        var reference = await fixture.ReferAsync("Chelmsford spiked outside Bar 9, female 20s, 07700 900123, consent y");

        var row = board.Until(d => d.FindElement(By.Id($"r-{reference}")), $"referral {reference} on the board", seconds: 8);
        Assert.Equal(true, board.Script("return window.nightsafeNoReload === true;"));
        Assert.Contains("Chelmsford", row.Text, StringComparison.Ordinal);
        Assert.Contains(fixture.Hub.World.FindCategory(new CategoryId("spiking"))!.Name, row.Text, StringComparison.Ordinal);
        Assert.Contains("high", row.Text, StringComparison.Ordinal);
        // The board hangs on a wall: no phone number or location on it.
        Assert.DoesNotContain("900123", board.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bar 9", board.Text, StringComparison.Ordinal);

        // Routing reaches the board too: the agencies with the case, none accepted yet.
        board.Until(d => d.FindElements(By.CssSelector($"#r-{reference} li[data-agency='street-pastors-chelmsford']")).Count == 1, "the street pastors on the row");
        Assert.Contains("waiting", board.Find($"#r-{reference}").Text, StringComparison.Ordinal);
        Assert.NotEqual("0", board.Find("#tiles .tile .n").Text);
        board.Until(d => d.FindElements(By.CssSelector("#chart-hour svg rect")).Count == 14, "the hourly chart (18:00 to 07:00)");
        board.FullScreenshot(fixture.ResultsFolder, "board-desktop");
    }

    [Fact]
    public async Task The_dossier_page_shows_the_referral_and_records_who_read_it()
    {
        var reference = await fixture.ReferAsync("Chelmsford drunk and alone by the station, male 40s, 07700 900124, consent y");
        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl("Inspector Hale"));
        board.Until(d => d.FindElement(By.Id($"r-{reference}")), "the referral on the board").FindElement(By.CssSelector("a.ref")).Click();

        board.Until(d => d.Title.StartsWith($"Referral {reference}", StringComparison.Ordinal), "the dossier page");
        Assert.Contains("station", board.Text, StringComparison.Ordinal);
        Assert.Contains("+447700900124", board.Text, StringComparison.Ordinal);

        var dossier = await ReadDossierAsync(reference.ToString());
        Assert.Contains(
            dossier["trail"]!.AsArray(),
            e => e!["kind"]!.GetValue<string>() == "consulted" && e["actor"]!.GetValue<string>() == "control-room:Inspector Hale");
    }

    [Fact]
    public void A_past_night_shows_its_figures_with_the_same_charts()
    {
        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl());
        board.Go(fixture.Hub.Functions.BaseUrl, $"api/board/nights?night={fixture.Hub.Night.Previous}");

        board.Until(d => d.FindElement(By.Id("updated")).Text.StartsWith("Figures", StringComparison.Ordinal), "the past night's figures");
        Assert.Equal(14, board.Driver.FindElements(By.CssSelector("#chart-hour svg rect")).Count);
        Assert.Contains("No summary is stored", board.Find("#summary-text").Text, StringComparison.Ordinal);
        Assert.Equal("0", board.Find("#tiles .tile .n").Text);
    }

    [Fact]
    public async Task The_board_feed_reads_the_night_once_and_answers_only_the_control_room()
    {
        using var anonymous = await fixture.Http.GetAsync(new Uri(fixture.Hub.Functions.BaseUrl, "api/board/night.json"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var desk = Open(Browser.Desktop);
        desk.Go(fixture.Hub.DeskSignInUrl("street-pastors-chelmsford"));
        desk.Go(fixture.Hub.Functions.BaseUrl, "api/board");
        Assert.Equal("Not yours to see · NightSafe", desk.Title);
        desk.Go(fixture.Hub.Functions.BaseUrl, "api/board/night.json");
        Assert.Contains("Not yours to see", desk.Text, StringComparison.Ordinal);
        Assert.Contains(fixture.Logs, l => l.Contains("Page board feed refused (403)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_referral_flagged_for_manual_routing_is_routed_by_hand_from_its_dossier_and_the_trail_names_who_did_it()
    {
        // A referral whose routing never got its cases out (stored, and no routing item left): routing that failed every
        // retry ends on the poison queue, whose handler flags the referral for the control room. An officer's text would
        // be routed as well, and a routed referral is not flagged.
        var reference = (await StoreUnroutedReferralAsync()).ToString();
        var poison = new QueueClient(fixture.Hub.Azurite.ConnectionString, QueueNames.RoutingPoison, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(new RoutingWorkItem(fixture.Hub.Night.ToString(), reference, null).ToJson());
        await UntilAsync(async () => (await ReadDossierAsync(reference))["status"]!.GetValue<string>() == "NeedsManualRouting", "the referral flagged");
        Assert.DoesNotContain((await ReadDossierAsync(reference))["cases"]!.AsArray(), c => c!["agency"]!.GetValue<string>() == "perpetrator-change-essex");

        var board = Open(Browser.Desktop);
        board.Go(fixture.Hub.BoardSignInUrl("Inspector Hale"));
        board.Go(fixture.Hub.Functions.BaseUrl, $"api/board/referrals/{fixture.Hub.Night}/{reference}");
        var form = board.Until(d => d.FindElement(By.CssSelector("form.route-by-hand")), "the route-by-hand form");
        Assert.Empty(board.SeriousAccessibilityViolations());
        board.FullScreenshot(fixture.ResultsFolder, "dossier-route-by-hand-desktop");
        var phone = Open(Browser.Phone);
        phone.Go(fixture.Hub.BoardSignInUrl("Inspector Hale"));
        phone.Go(fixture.Hub.Functions.BaseUrl, $"api/board/referrals/{fixture.Hub.Night}/{reference}");
        phone.Until(d => d.FindElement(By.CssSelector("form.route-by-hand")), "the route-by-hand form on a phone");
        phone.FullScreenshot(fixture.ResultsFolder, "dossier-route-by-hand-phone");
        foreach (var box in form.FindElements(By.CssSelector("input[name=agency]")))
        {
            // Only the perpetrator programme (no automatic routing sends it this referral), with the keyboard: Space toggles a checkbox.
            if (box.Selected != (box.GetAttribute("value") == "perpetrator-change-essex"))
            {
                box.SendKeys(Keys.Space);
            }
        }

        form.FindElement(By.CssSelector("button[type=submit]")).SendKeys(Keys.Enter);

        board.Until(d => d.FindElements(By.CssSelector("p.done")).Count == 1, "the dossier saying it was routed");
        Assert.False(board.Exists("form.route-by-hand"));
        var dossier = await ReadDossierAsync(reference);
        Assert.Equal("Routed", dossier["status"]!.GetValue<string>());
        Assert.Contains(dossier["cases"]!.AsArray(), c => c!["agency"]!.GetValue<string>() == "perpetrator-change-essex");
        Assert.Contains(
            dossier["trail"]!.AsArray(),
            e => e!["kind"]!.GetValue<string>() == "routed" && e["actor"]!.GetValue<string>() == "control-room:Inspector Hale");
    }

    private async Task<ReferenceCode> StoreUnroutedReferralAsync()
    {
        var tables = new TableServiceClient(fixture.Hub.Azurite.ConnectionString);
        var store = new TableReferralStore(
            tables,
            new StorageInitializer(tables, new QueueServiceClient(fixture.Hub.Azurite.ConnectionString)),
            new PhoneKeys(RandomNumberGenerator.GetBytes(32))); // no phone number is stored, so no key is made with it
        var at = fixture.Hub.AppNow;
        var referral = new Referral
        {
            Night = fixture.Hub.Night,
            Reference = ReferenceCode.New(),
            ReceivedAt = at,
            Source = ReferralSource.Sms,
            TownId = TownId.From("chelmsford"),
            Categories = [new CategoryId("alone"), new CategoryId("intoxicated")],
            Priority = Priority.Normal,
            Location = "by the bus station",
            Description = "male alone and drunk, 60s",
            Officer = "PC 4471",
        };
        Assert.True(await store.TryCreateAsync(referral, [ReferralEvent.Of(at, ReferralEventKinds.Received, "test")], CancellationToken.None));
        return referral.Reference;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(200);
        }
    }

    private async Task<JsonObject> ReadDossierAsync(string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Hub.Functions.BaseUrl, $"api/referrals/{fixture.Hub.Night}/{reference}"));
        request.Headers.Add("X-Control-Room-Key", fixture.Hub.ControlRoomKey); // the dossier API is the control room's alone
        using var response = await fixture.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
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

        if (output is not null && _browsers.Count > 0)
        {
            fixture.WriteLogTail(output, 20);
        }
    }
}
