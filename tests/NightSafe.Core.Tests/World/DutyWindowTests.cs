using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.World;

public sealed class DutyWindowTests
{
    private static readonly DutyWindow FridaySaturdayLate = new([DayOfWeek.Friday, DayOfWeek.Saturday], new(22, 0), new(4, 0));

    [Theory]
    [InlineData("2026-12-18 21:59", false)] // Friday, before the window
    [InlineData("2026-12-18 22:00", true)]
    [InlineData("2026-12-19 03:59", true)]  // Saturday early morning: Friday's window
    [InlineData("2026-12-19 04:00", false)]
    [InlineData("2026-12-19 23:00", true)]  // Saturday's window
    [InlineData("2026-12-20 02:00", true)]  // Sunday early morning: Saturday's window
    [InlineData("2026-12-20 22:30", false)] // Sunday is not a starting night
    [InlineData("2026-12-18 02:00", false)] // Friday early morning: Thursday's window, not listed
    public void A_window_that_wraps_past_midnight_belongs_to_the_night_it_starts(string local, bool covered)
    {
        Assert.Equal(covered, FridaySaturdayLate.Covers(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("00:00", "00:00", "2026-12-16 00:00", true)]
    [InlineData("00:00", "00:00", "2026-12-16 23:59", true)]
    [InlineData("20:00", "00:00", "2026-12-16 23:59", true)]  // "24:00": to the end of the day
    [InlineData("20:00", "00:00", "2026-12-17 00:00", false)]
    [InlineData("20:00", "00:00", "2026-12-16 19:59", false)]
    [InlineData("09:00", "17:00", "2026-12-16 16:59", true)]
    [InlineData("09:00", "17:00", "2026-12-16 17:00", false)]
    public void Every_night_windows_and_end_of_day(string from, string to, string local, bool covered)
    {
        var window = new DutyWindow(null, TimeOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(covered, window.Covers(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Length_of_wrapping_and_whole_day_windows()
    {
        Assert.Equal(TimeSpan.FromHours(6), FridaySaturdayLate.Length);
        Assert.Equal(TimeSpan.FromHours(24), new DutyWindow(null, TimeOnly.MinValue, TimeOnly.MinValue).Length);
        Assert.Equal(TimeSpan.FromHours(4), new DutyWindow(null, new(20, 0), TimeOnly.MinValue).Length);
    }

    [Fact]
    public void Reading_24_00_from_routing_json_means_the_end_of_the_day()
    {
        var service = TestWorld.Real.FindAgency(new AgencyId("da-survivors-essex"))!;
        Assert.Equal(new DutyWindow(null, TimeOnly.MinValue, TimeOnly.MinValue), service.Hours.Single() with { Nights = null });
        Assert.True(service.IsOnDuty(new DateTime(2026, 12, 16, 23, 59, 0, DateTimeKind.Unspecified)));
    }
}
