using System.Security.Cryptography;
using System.Text.Json;
using CsCheck;
using NightSafe.Core.References;

namespace NightSafe.Core.Tests.Domain.References;

public sealed class ReferenceCodeTests
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private static readonly Gen<string> Codes = Gen.String[Gen.Char[Alphabet], 6, 6];

    [Fact]
    public void New_codes_are_six_crockford_characters_that_round_trip()
    {
        using var rng = RandomNumberGenerator.Create();
        var seen = new HashSet<ReferenceCode>();
        for (var i = 0; i < 5_000; i++)
        {
            var code = i % 2 == 0 ? ReferenceCode.New() : ReferenceCode.New(rng);
            var text = code.ToString();

            Assert.Equal(6, text.Length);
            Assert.All(text, c => Assert.Contains(c, Alphabet));
            Assert.True(ReferenceCode.TryParse(text, out var parsed));
            Assert.Equal(code, parsed);
            seen.Add(code);
        }

        // 30 random bits: 5,000 draws colliding more than a handful of times would mean the bits are not random.
        Assert.True(seen.Count > 4_990, $"only {seen.Count} distinct codes");
    }

    [Fact]
    public void Any_code_round_trips_through_its_text()
    {
        Codes.Sample(text =>
        {
            Assert.True(ReferenceCode.TryParse(text, out var code));
            Assert.Equal(text, code.ToString());
        });
    }

    [Fact]
    public void Parsing_is_forgiving_as_crockford_says()
    {
        Codes.Sample(text =>
        {
            var messy = $" {text[..3].ToLowerInvariant()}-{text[3..]} ".Replace('1', 'l').Replace('0', 'O');
            Assert.True(ReferenceCode.TryParse(messy, out var code), messy);
            Assert.Equal(text, code.ToString());
        });
    }

    [Theory]
    [InlineData("7KQ2MX", "7KQ2MX")]
    [InlineData("7kq2mx", "7KQ2MX")]
    [InlineData("7KQ-2MX", "7KQ2MX")]
    [InlineData("7KQ 2MX", "7KQ2MX")]
    [InlineData("IL0OAB", "1100AB")]
    [InlineData("il0oab", "1100AB")]
    public void Known_forms_parse(string typed, string expected)
    {
        Assert.True(ReferenceCode.TryParse(typed, out var code));
        Assert.Equal(expected, code.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("7KQ2M")]
    [InlineData("7KQ2MXX")]
    [InlineData("7KQ2MU")]
    [InlineData("7KQ_2MX")]
    [InlineData("7KQ2M\u00c9")]
    [InlineData("------7KQ2MX------------------------")]
    public void Anything_else_does_not_parse(string? typed)
    {
        Assert.False(ReferenceCode.TryParse(typed, out _));
    }

    [Fact]
    public void Json_writes_the_text_and_reads_it_forgivingly()
    {
        Assert.True(ReferenceCode.TryParse("7KQ2MX", out var code));
        Assert.Equal("\"7KQ2MX\"", JsonSerializer.Serialize(code));
        Assert.Equal(code, JsonSerializer.Deserialize<ReferenceCode>("\"7kq-2mx\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ReferenceCode>("\"7KQ2MU\""));
        Assert.Throws<FormatException>(() => ReferenceCode.Parse("nope"));
        Assert.Equal("000000", default(ReferenceCode).ToString());
    }
}
