using System.Collections.Frozen;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>What a message from a number that is not an officer's means for SMS consent.</summary>
public enum OptOutIntent
{
    None,
    OptOut,
    OptIn,
    Help,
}

/// <summary>
/// Twilio's default opt-out, opt-in and help keywords. Like Twilio, only a message that is the keyword alone counts
/// (any case, surrounding spaces and punctuation ignored): "stop please" is not an opt-out.
/// </summary>
public static class OptOutKeywords
{
    private static readonly FrozenDictionary<string, OptOutIntent> Keywords = new Dictionary<string, OptOutIntent>
    {
        ["STOP"] = OptOutIntent.OptOut,
        ["STOPALL"] = OptOutIntent.OptOut,
        ["UNSUBSCRIBE"] = OptOutIntent.OptOut,
        ["CANCEL"] = OptOutIntent.OptOut,
        ["END"] = OptOutIntent.OptOut,
        ["QUIT"] = OptOutIntent.OptOut,
        ["REVOKE"] = OptOutIntent.OptOut,
        ["OPTOUT"] = OptOutIntent.OptOut,
        ["START"] = OptOutIntent.OptIn,
        ["YES"] = OptOutIntent.OptIn,
        ["UNSTOP"] = OptOutIntent.OptIn,
        ["HELP"] = OptOutIntent.Help,
        ["INFO"] = OptOutIntent.Help,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The opt-out/opt-in/help keyword a message is, or <see cref="OptOutIntent.None"/>.</summary>
    public static OptOutIntent Classify(string? text)
    {
        if (text is null || text.Length > 64)
        {
            return OptOutIntent.None;
        }

        var word = text.AsSpan().Trim().Trim(" \t\r\n.!?,;:'\"()".AsSpan());
        return Keywords.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var intent) ? intent : OptOutIntent.None;
    }
}
