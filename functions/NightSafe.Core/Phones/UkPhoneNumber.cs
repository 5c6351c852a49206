using PhoneNumbers;

namespace NightSafe.Core.Phones;

/// <summary>Phone numbers as officers type them, normalised to E.164 with libphonenumber, and masked for logs.</summary>
public static class UkPhoneNumber
{
    private const int LongestInput = 40;

    /// <summary>
    /// Reads a number in any common UK format ("07700 900123", "+44 7700 900123", "0044 ...", "(07700) 900 123",
    /// "447700900123") into E.164. UK numbers must be valid or have a mobile's shape (07 and 9 more digits: Ofcom's
    /// drama range is unallocated, so libphonenumber calls it invalid). A number from another country is accepted
    /// only when written with + or 00 and valid.
    /// </summary>
    public static bool TryNormalise(string? text, out string e164)
    {
        e164 = string.Empty;
        if (string.IsNullOrWhiteSpace(text) || text.Length > LongestInput)
        {
            return false;
        }

        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '+' or '/' or '\u00A0'))
            {
                return false;
            }
        }

        if (digits is < 9 or > 17)
        {
            return false;
        }

        var trimmed = text.TrimStart(' ', '(', '\u00A0');
        var international = trimmed.StartsWith('+') || trimmed.StartsWith("00", StringComparison.Ordinal);
        var util = PhoneNumberUtil.GetInstance();
        PhoneNumber number;
        try
        {
            number = util.Parse(text, "GB");
        }
        catch (NumberParseException)
        {
            return false;
        }

        var national = number.NationalNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var accepted = number.CountryCode == 44
            ? util.IsValidNumber(number) || (national.Length == 10 && national[0] == '7')
            : international && util.IsValidNumber(number);
        if (!accepted)
        {
            return false;
        }

        e164 = util.Format(number, PhoneNumberFormat.E164);
        return true;
    }

    /// <summary>Whether the text is already E.164: "+", a non-zero digit, then 7 to 14 more digits.</summary>
    public static bool IsE164(string? text)
    {
        if (text is null || text.Length is < 9 or > 16 || text[0] != '+' || text[1] == '0')
        {
            return false;
        }

        return text.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    /// <summary>A form safe for logs: country code and last three digits only, e.g. "+44*******123".</summary>
    public static string Mask(string? e164)
    {
        if (string.IsNullOrEmpty(e164))
        {
            return string.Empty;
        }

        if (!IsE164(e164))
        {
            return "***";
        }

        return string.Concat(e164.AsSpan(0, 3), new string('*', e164.Length - 6), e164.AsSpan(e164.Length - 3));
    }
}
