using NightSafe.Core.Sms;

namespace NightSafe.Core.Tests.Domain.Sms;

public sealed class SmsTextTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    [InlineData(459, 3)]
    [InlineData(460, 4)]
    public void Gsm7_segments_are_160_alone_and_153_when_concatenated(int length, int segments)
    {
        Assert.Equal(segments, SmsText.Segments(new string('a', length)));
    }

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2_segments_are_70_alone_and_67_when_concatenated(int length, int segments)
    {
        Assert.Equal(segments, SmsText.Segments("\u00ea" + new string('a', length - 1)));
    }

    [Fact]
    public void Extension_characters_cost_two_septets()
    {
        Assert.Equal(1, SmsText.Segments(new string('\u20ac', 80)));
        Assert.Equal(2, SmsText.Segments(new string('\u20ac', 81)));
        Assert.Equal(2, SmsText.Segments(new string('a', 159) + "["));
        Assert.Equal(162, SmsText.Septets(new string('a', 160) + "^"));
    }

    [Fact]
    public void An_escape_pair_is_never_split_across_segments()
    {
        // 152 + 2 + 152 = 306 septets would fit two segments, but the euro sign cannot straddle the boundary.
        Assert.Equal(3, SmsText.Segments(new string('a', 152) + "\u20ac" + new string('a', 152)));
        Assert.Equal(2, SmsText.Segments(new string('a', 151) + "\u20ac" + new string('a', 153)));
    }

    [Fact]
    public void A_surrogate_pair_is_never_split_across_segments()
    {
        // 66 + 2 + 66 = 134 UTF-16 units would fit two UCS-2 segments, but the emoji cannot straddle the boundary.
        Assert.Equal(3, SmsText.Segments(new string('a', 66) + "\U0001F600" + new string('a', 66)));
        Assert.Equal(2, SmsText.Segments(new string('a', 65) + "\U0001F600" + new string('a', 67)));
    }

    [Theory]
    [InlineData("NightSafe: call 999 (or 111).", true)]
    [InlineData("Price \u20ac5 [approx] {ok} ~|^\\", true)]
    [InlineData("caf\u00e9 \u00e8 \u00f1 \u00c7 \u00df \u00a3 \u00a5 \u00a7 \u00bf \u00a1", true)]
    [InlineData("line\nbreak\r", true)]
    [InlineData("don\u2019t", false)]
    [InlineData("\u00ea", false)]
    [InlineData("\U0001F600", false)]
    [InlineData("tab\t", false)]
    [InlineData("\u00e7", false)]
    public void Gsm7_means_the_basic_and_extension_tables_only(string text, bool gsm7)
    {
        Assert.Equal(gsm7, SmsText.IsGsm7(text));
    }

    [Theory]
    [InlineData("don\u2019t \u201cpanic\u201d \u2014 wait\u2026", "don't \"panic\" - wait...")]
    [InlineData("cr\u00eape fa\u00e7ade", "crepe facade")]
    [InlineData("ok \U0001F600", "ok ?")]
    [InlineData("plain", "plain")]
    public void ToGsm7_rewrites_typographic_and_accented_characters(string text, string expected)
    {
        var rewritten = SmsText.ToGsm7(text);
        Assert.Equal(expected, rewritten);
        Assert.True(SmsText.IsGsm7(rewritten));
    }

    [Fact]
    public void Truncate_keeps_short_text_and_cuts_long_text_at_a_word_to_fit()
    {
        Assert.Equal("short", SmsText.Truncate("short", 1));

        var words = string.Join(' ', Enumerable.Repeat("word", 100));
        var cut = SmsText.Truncate(words, 2);

        Assert.True(SmsText.Segments(cut) <= 2);
        Assert.EndsWith("word...", cut, StringComparison.Ordinal);
        Assert.True(cut.Length > 290, $"cut too much: {cut.Length}");
    }

    [Fact]
    public void Every_advice_template_in_routing_json_is_gsm7_and_at_most_two_segments()
    {
        Assert.NotEmpty(TestWorld.Real.Categories);
        foreach (var category in TestWorld.Real.Categories)
        {
            Assert.True(SmsText.IsGsm7(category.Advice), $"{category.Id} advice is not GSM-7");
            Assert.InRange(SmsText.Segments(category.Advice), 1, 2);
        }
    }
}
