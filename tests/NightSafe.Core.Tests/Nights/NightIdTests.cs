using System.Text.Json;
using NightSafe.Core.Nights;

namespace NightSafe.Core.Tests.Domain.Nights;

public sealed class NightIdTests
{
    private static NightId Night(string id) => NightId.Parse(id);

    [Theory]
    // An ordinary winter night (GMT, UTC+0).
    [InlineData("2026-12-18T17:59:59Z", "2026-12-18")] // before the night starts: still the 18th's (day part)
    [InlineData("2026-12-18T18:00:00Z", "2026-12-18")]
    [InlineData("2026-12-18T23:59:59Z", "2026-12-18")]
    [InlineData("2026-12-19T00:00:00Z", "2026-12-18")]
    [InlineData("2026-12-19T07:59:59Z", "2026-12-18")]
    [InlineData("2026-12-19T08:00:00Z", "2026-12-19")] // cut-over at the night's end
    // Spring forward: Sunday 29 March 2026, 01:00 GMT becomes 02:00 BST.
    [InlineData("2026-03-28T23:30:00Z", "2026-03-28")]
    [InlineData("2026-03-29T00:59:59Z", "2026-03-28")]
    [InlineData("2026-03-29T01:00:00Z", "2026-03-28")] // 02:00 BST
    [InlineData("2026-03-29T06:59:59Z", "2026-03-28")] // 07:59:59 BST
    [InlineData("2026-03-29T07:00:00Z", "2026-03-29")] // 08:00 BST: cut-over an hour earlier in UTC
    [InlineData("2026-03-29T07:30:00Z", "2026-03-29")] // 07:30 UTC would still be night in winter
    // Fall back: Sunday 25 October 2026, 02:00 BST becomes 01:00 GMT (01:00-02:00 happens twice).
    [InlineData("2026-10-24T16:59:59Z", "2026-10-24")] // 17:59:59 BST
    [InlineData("2026-10-24T17:00:00Z", "2026-10-24")] // 18:00 BST
    [InlineData("2026-10-25T00:30:00Z", "2026-10-24")] // 01:30 BST, first time
    [InlineData("2026-10-25T01:30:00Z", "2026-10-24")] // 01:30 GMT, second time
    [InlineData("2026-10-25T07:59:59Z", "2026-10-24")] // 07:59:59 GMT
    [InlineData("2026-10-25T08:00:00Z", "2026-10-25")] // 08:00 GMT
    // A summer night (BST, UTC+1) and an instant given with an offset.
    [InlineData("2026-07-04T06:59:59Z", "2026-07-03")]
    [InlineData("2026-07-04T07:00:00Z", "2026-07-04")]
    [InlineData("2026-07-04T09:00:00+02:00", "2026-07-04")] // 08:00 BST
    [InlineData("2026-07-04T08:59:59+02:00", "2026-07-03")]
    public void An_instant_belongs_to_the_night_that_began_on_the_local_date_before_the_08_00_cut_over(string instant, string night)
    {
        var id = NightId.For(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), TestWorld.Real);
        Assert.Equal(night, id.ToString());
    }

    [Theory]
    [InlineData("2026-12-18", "2026-12-18T18:00:00+00:00", "2026-12-19T08:00:00+00:00", 14)]
    [InlineData("2026-03-28", "2026-03-28T18:00:00+00:00", "2026-03-29T08:00:00+01:00", 13)] // the short night
    [InlineData("2026-10-24", "2026-10-24T18:00:00+01:00", "2026-10-25T08:00:00+00:00", 15)] // the long night
    [InlineData("2026-07-03", "2026-07-03T18:00:00+01:00", "2026-07-04T08:00:00+01:00", 14)]
    public void Start_and_end_are_18_00_and_08_00_local_across_clock_changes(string night, string start, string end, int hours)
    {
        var id = Night(night);
        var expectedStart = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture);
        var expectedEnd = DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expectedStart, id.Start(TestWorld.Real));
        Assert.Equal(expectedStart.Offset, id.Start(TestWorld.Real).Offset);
        Assert.Equal(expectedEnd, id.End(TestWorld.Real));
        Assert.Equal(expectedEnd.Offset, id.End(TestWorld.Real).Offset);
        Assert.Equal(TimeSpan.FromHours(hours), id.End(TestWorld.Real) - id.Start(TestWorld.Real));
    }

    public static TheoryData<string> WeeksToWalk => new("2026-03-23", "2026-10-19", "2026-12-14", "2027-03-22", "2027-10-25");

    [Theory]
    [MemberData(nameof(WeeksToWalk))]
    public void Every_hour_of_a_week_maps_to_a_night_whose_span_contains_it(string monday)
    {
        var world = TestWorld.Real;
        var start = new DateTimeOffset(DateTime.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        NightId? previous = null;
        for (var hour = 0; hour < 7 * 24; hour++)
        {
            foreach (var minute in new[] { 0, 30, 59 })
            {
                var instant = start.AddHours(hour).AddMinutes(minute);
                var id = NightId.For(instant, world);

                // The id's "day" runs from the previous night's end to this night's end.
                Assert.True(instant < id.End(world), $"{instant:O} is after the end of {id}");
                Assert.True(instant >= id.Previous.End(world), $"{instant:O} is before the day of {id} begins");
                Assert.True(previous is null || id >= previous, "night ids never go backwards");
                Assert.True(previous is null || id.Date.DayNumber - previous.Value.Date.DayNumber <= 1, "night ids never skip a date");
                previous = id;
            }
        }
    }

    [Fact]
    public void Each_night_starts_and_ends_inside_itself()
    {
        for (var date = new DateOnly(2026, 1, 1); date < new DateOnly(2027, 1, 1); date = date.AddDays(1))
        {
            var id = new NightId(date);
            Assert.Equal(id, NightId.For(id.Start(TestWorld.Real), TestWorld.Real));
            Assert.Equal(id, NightId.For(id.End(TestWorld.Real).AddTicks(-1), TestWorld.Real));
            Assert.Equal(id.Next, NightId.For(id.End(TestWorld.Real), TestWorld.Real));
        }
    }

    [Theory]
    [InlineData("2026-12-18", true)]
    [InlineData("2024-02-29", true)]
    [InlineData("2026-02-29", false)]
    [InlineData("2026-1-8", false)]
    [InlineData("18/12/2026", false)]
    [InlineData("2026-12-18T00:00", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_accepts_only_yyyy_MM_dd(string? text, bool valid)
    {
        Assert.Equal(valid, NightId.TryParse(text, out var id));
        if (valid)
        {
            Assert.Equal(text, id.ToString());
        }
    }

    [Fact]
    public void Ordering_json_and_neighbours()
    {
        var id = Night("2026-12-31");
        Assert.True(id < id.Next);
        Assert.Equal("2027-01-01", id.Next.ToString());
        Assert.Equal("2026-12-30", id.Previous.ToString());
        Assert.Equal(-1, id.CompareTo(id.Next));
        Assert.Equal("\"2026-12-31\"", JsonSerializer.Serialize(id));
        Assert.Equal(id, JsonSerializer.Deserialize<NightId>("\"2026-12-31\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<NightId>("\"31/12/2026\""));
        Assert.Throws<FormatException>(() => NightId.Parse("tonight"));
    }
}
