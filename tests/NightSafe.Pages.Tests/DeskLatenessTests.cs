using OpenQA.Selenium;

namespace NightSafe.Pages.Tests;

/// <summary>A hub whose acknowledgement deadline is seconds, so a case is reminded and escalated while a test watches.</summary>
public sealed class ShortDeadlinePagesFixture : PagesFixture
{
    /// <summary>Long enough that the reminded state lasts several seconds before the escalation.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(8);

    protected override TimeSpan? AcknowledgeWithin => Deadline;
}

/// <summary>The partner desk in a real browser as a case it has not answered passes its deadlines.</summary>
public sealed class DeskLatenessTests(ShortDeadlinePagesFixture fixture, ITestOutputHelper output) : IClassFixture<ShortDeadlinePagesFixture>
{
    private const string CommunitySafety = "community-safety-colchester";

    [Fact]
    public async Task An_unanswered_case_is_marked_reminded_then_escalated_on_the_desk_on_a_phone_and_a_desktop_without_accessibility_violations()
    {
        try
        {
            var reference = await fixture.ReferAsync("Colchester drunk male outside the station, can't stand, consent n", from: "+447700900003");
            using var phone = new Browser(Browser.Phone);
            using var desktop = new Browser(Browser.Desktop);
            phone.Go(fixture.Hub.DeskSignInUrl(CommunitySafety, "Sam Duty"));
            desktop.Go(fixture.Hub.DeskSignInUrl(CommunitySafety, "Sam Duty"));
            var card = $".case-card a[href$='/{reference}']";
            var problems = new List<string>();

            foreach (var (state, words) in new[] { ("reminded", "Past its first deadline"), ("escalated", "sent to the control room") })
            {
                phone.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{CommunitySafety}");
                phone.Until(
                    d =>
                    {
                        d.Navigate().Refresh();
                        return d.FindElements(By.CssSelector($"{card} .badge.late-{state}")).Count == 1;
                    },
                    $"the case marked {state} on the desk",
                    seconds: ShortDeadlinePagesFixture.Deadline.TotalSeconds * 3);
                // The late case is first among the open ones.
                Assert.EndsWith($"/{reference}", phone.Find(".cases .case-card a").GetAttribute("href"), StringComparison.Ordinal);
                phone.FullScreenshot(fixture.ResultsFolder, $"desk-phone-list-{state}");
                problems.AddRange(phone.SeriousAccessibilityViolations().Select(v => $"list, {state}: {v}"));

                phone.Find(card).Click();
                phone.Until(d => d.Title.StartsWith($"Case {reference}", StringComparison.Ordinal), "the case page");
                Assert.Contains(words, phone.Find($"p.late.late-{state}").Text, StringComparison.Ordinal);
                Assert.True(phone.Exists("button[value='accepted']"), "a late case can still be accepted");
                phone.FullScreenshot(fixture.ResultsFolder, $"desk-phone-case-{state}");
                problems.AddRange(phone.SeriousAccessibilityViolations().Select(v => $"case, {state}: {v}"));

                desktop.Go(fixture.Hub.Functions.BaseUrl, $"api/desk/{CommunitySafety}/cases/{fixture.Hub.Night}/{reference}");
                Assert.Contains(words, desktop.Find("p.late").Text, StringComparison.Ordinal);
                desktop.FullScreenshot(fixture.ResultsFolder, $"desk-desktop-case-{state}");
            }

            Assert.Empty(problems);
        }
        catch
        {
            fixture.WriteLogTail(output);
            throw;
        }
    }
}
