using Twilio.Rest.Api.V2010.Account;

namespace NightSafe.TwilioStandIn.Tests;

public sealed class SegmentTests : StandInTest
{
    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    public static TheoryData<string, string, int> Bodies => new()
    {
        { "GSM-7, 160 characters", Repeat("a", 160), 1 },
        { "GSM-7, 161 characters", Repeat("a", 161), 2 },
        { "GSM-7, 153 x 2", Repeat("a", 306), 2 },
        { "GSM-7, 153 x 2 + 1", Repeat("a", 307), 3 },
        { "GSM-7, 153 x 3 + 1", Repeat("a", 460), 4 },
        { "GSM-7 accents from the default alphabet", Repeat("é", 160), 1 },
        { "line feeds count one septet", Repeat("a", 159) + "\n", 1 },
        { "extension characters count two: 80 euro signs", Repeat("€", 80), 1 },
        { "extension characters count two: 81 euro signs", Repeat("€", 81), 2 },
        { "159 + one extension character is 161 septets", Repeat("a", 159) + "{", 2 },
        { "158 + one extension character is 160 septets", Repeat("a", 158) + "|", 1 },
        { "an escape is never split across segments", Repeat("a", 152) + "€" + Repeat("a", 152), 3 },
        { "306 septets that split cleanly", Repeat("a", 153) + "€" + Repeat("a", 151), 2 },
        { "UCS-2, 70 characters", Repeat("ж", 70), 1 },
        { "UCS-2, 71 characters", Repeat("ж", 71), 2 },
        { "UCS-2, 67 x 2", Repeat("ж", 134), 2 },
        { "UCS-2, 67 x 2 + 1", Repeat("ж", 135), 3 },
        { "one non-GSM character makes the message UCS-2", Repeat("a", 70) + "ж", 2 },
        { "curly quotes are not GSM-7", Repeat("a", 69) + "\u2019", 1 },
        { "emoji are two UCS-2 units: 35 fit one segment", Repeat("😀", 35), 1 },
        { "emoji are two UCS-2 units: 36 need two", Repeat("😀", 36), 2 },
        { "a surrogate pair is never split across segments", Repeat("ж", 66) + "😀" + Repeat("ж", 66), 3 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Num_segments_is_counted_as_twilio_counts(string description, string body, int segments)
    {
        var message = await SendAsync(Person, body);

        Assert.True(segments == SmsSegments.Count(body), description);
        Assert.Equal(segments.ToString(System.Globalization.CultureInfo.InvariantCulture), message.NumSegments);
        Assert.Equal(body, (await MessageResource.FetchAsync(message.Sid, client: Client)).Body);
    }

    [Theory]
    [InlineData("Stay with your friends {and} call 999 [now] ~ | ^ € \\", SmsEncoding.Gsm7)]
    [InlineData("Need help? Ring 0808 2000 247 – free, 24/7", SmsEncoding.Ucs2)]
    [InlineData("Ça va? Ñoño Ø Δ Ω £5 ¥ §", SmsEncoding.Gsm7)]
    public void Encoding_is_gsm7_only_when_every_character_is(string body, SmsEncoding expected) =>
        Assert.Equal(expected, SmsSegments.EncodingOf(body));
}
