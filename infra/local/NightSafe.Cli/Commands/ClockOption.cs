using System.CommandLine;
using System.Globalization;
using NightSafe.Cli.Stack;

namespace NightSafe.Cli.Commands;

/// <summary>`--clock`: the local time the app's clock starts from (a Friday night by default), or `now` for the real clock.</summary>
public static class ClockOption
{
    public const string Now = "now";

    public static Option<string> Create() => new Option<string>("--clock")
    {
        Description = "The local (Europe/London) time the app's clock starts at and runs on from, as yyyy-MM-ddTHH:mm; 'now' keeps the real clock.",
        DefaultValueFactory = _ => OfflineHubOptions.FridayNight.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
    }.Accepting(text => string.Equals(text, Now, StringComparison.OrdinalIgnoreCase) || DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _), "a local time such as 2026-12-18T22:30, or 'now'");

    public static DateTime? Read(ParseResult parse, Option<string> option)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var text = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(text) || string.Equals(text, Now, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            ? DateTime.SpecifyKind(start, DateTimeKind.Unspecified)
            : throw new FormatException($"--clock '{text}' is not a local time such as 2026-12-18T22:30, nor 'now'.");
    }
}
