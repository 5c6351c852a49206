using NightSafe.Core.Phones;

namespace NightSafe.Core.Tests.Domain.Phones;

public sealed class UkPhoneNumberTests
{
    [Theory]
    [InlineData("07700 900123")]
    [InlineData("07700900123")]
    [InlineData("+44 7700 900123")]
    [InlineData("447700900123")]
    [InlineData("(07700) 900 123")]
    [InlineData("0044 7700 900 123")]
    [InlineData("07700-900-123")]
    [InlineData("07700.900.123")]
    [InlineData("+44 (0) 7700 900123")]
    [InlineData("+447700900123")]
    [InlineData(" 07700 900 123 ")]
    public void Common_uk_formats_normalise_to_e164(string typed)
    {
        Assert.True(UkPhoneNumber.TryNormalise(typed, out var e164));
        Assert.Equal("+447700900123", e164);
    }

    [Theory]
    [InlineData("07911 123456", "+447911123456")]
    [InlineData("020 7946 0018", "+442079460018")]
    [InlineData("+1 202 555 0143", "+12025550143")]
    [InlineData("0033 6 12 34 56 78", "+33612345678")]
    public void Real_uk_numbers_and_valid_foreign_numbers_written_internationally_are_accepted(string typed, string expected)
    {
        Assert.True(UkPhoneNumber.TryNormalise(typed, out var e164));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("07700 90012")]          // a digit short
    [InlineData("077009001234")]         // a digit too many
    [InlineData("07700 900 12a")]        // letters
    [InlineData("0800 1111")]            // too short to be a mobile, not a number to text
    [InlineData("202 555 0143")]         // foreign without + or 00
    [InlineData("01206 12345")]          // not a valid UK number
    [InlineData("+44 7700 900123 ext 5")]
    [InlineData("12345678901234567890123456789012345678901")]
    public void Anything_else_is_rejected(string? typed)
    {
        Assert.False(UkPhoneNumber.TryNormalise(typed, out var e164));
        Assert.Equal(string.Empty, e164);
    }

    [Theory]
    [InlineData("+447700900123", "+44*******123")]
    [InlineData("+12025550143", "+12******143")]
    [InlineData("07700 900123", "***")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_keeps_only_the_country_code_and_last_three_digits(string? e164, string masked)
    {
        Assert.Equal(masked, UkPhoneNumber.Mask(e164));
    }

    [Theory]
    [InlineData("+447700900123", true)]
    [InlineData("+4477009", false)]
    [InlineData("447700900123", false)]
    [InlineData("+047700900123", false)]
    [InlineData("+44 7700 900123", false)]
    public void IsE164_checks_the_shape(string text, bool expected)
    {
        Assert.Equal(expected, UkPhoneNumber.IsE164(text));
    }
}
