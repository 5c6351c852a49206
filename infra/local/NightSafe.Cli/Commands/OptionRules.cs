using System.CommandLine;
using System.Globalization;

namespace NightSafe.Cli.Commands;

/// <summary>
/// Checks on option values at parse time, so a bad value is one line naming the option (a parse error) and never an
/// exception thrown from inside a command.
/// </summary>
public static class OptionRules
{
    public static Option<int> InRange(this Option<int> option, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(result =>
        {
            // A value that is not a number at all is the parser's own error; this checks only numbers.
            if (result.Tokens is [var token, ..] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && (value < min || value > max))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be from {min} to {max}, not {value}."));
            }
        });
        return option;
    }

    /// <summary>The value, when given, must pass <paramref name="valid"/>; <paramref name="expected"/> says what it should look like.</summary>
    public static Option<T> Accepting<T>(this Option<T> option, Func<string, bool> valid, string expected)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(valid);
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!valid(token.Value))
                {
                    result.AddError($"{option.Name} must be {expected}, not '{token.Value}'.");
                }
            }
        });
        return option;
    }

    /// <summary>An id as routing.json writes them: lower-case letters, digits and hyphens.</summary>
    public static bool IsId(string text) =>
        text.Length is > 0 and <= 64 && text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
