using System.Buffers;
using System.Collections.Frozen;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>What each token of a text has been recognised as.</summary>
internal enum Role : byte
{
    Free,
    Phone,
    Consent,
    Category,

    /// <summary>A concern told in the officer's own words ("boyfriend hit her"): read, and kept in the description.</summary>
    Told,
    Town,
    Location,
    Filler,
}

/// <summary>One text being read: its tokens, the role each has been given, and the phone-number stretches.</summary>
internal sealed class Reading(string text, List<Token> tokens)
{
    private static readonly SearchValues<char> Boundaries = SearchValues.Create(",.;:!?\n\r()[]|");

    public string Text { get; } = text;
    public List<Token> Tokens { get; } = tokens;
    public Role[] Roles { get; } = new Role[tokens.Count];
    public bool[] Taken { get; } = new bool[tokens.Count];
    public List<PhoneSpan> Phones { get; private set; } = [];

    public void Mark(int first, int last, Role role)
    {
        for (var i = first; i <= last; i++)
        {
            Roles[i] = role;
            Taken[i] = true;
        }
    }

    public void MarkPhones(List<PhoneSpan> phones)
    {
        Phones = phones;
        var p = 0;
        for (var i = 0; i < Tokens.Count && p < phones.Count; i++)
        {
            while (p < phones.Count && phones[p].End <= Tokens[i].Start)
            {
                p++;
            }

            if (p < phones.Count && Tokens[i].End > phones[p].Start && Tokens[i].Start < phones[p].End)
            {
                Mark(i, i, Role.Phone);
            }
        }

        // "tel 07700 900123", "mob no: ..." : the label goes with the number.
        for (var i = Tokens.Count - 2; i >= 0; i--)
        {
            if (!Taken[i] && (Roles[i + 1] == Role.Phone || Roles[i + 1] == Role.Filler) && Joined(i, i + 1)
                && Words.PhoneLabels.Contains(Tokens[i].Word))
            {
                Mark(i, i, Role.Filler);
            }
        }
    }

    /// <summary>Whether nothing but spaces and joining marks (no comma, full stop, bracket...) separates two tokens.</summary>
    public bool Joined(int left, int right)
    {
        var from = Tokens[left].End;
        var to = Tokens[right].Start;
        return Text.AsSpan(from, to - from).IndexOfAny(Boundaries) < 0;
    }

    /// <summary>Whether the next token (in the same clause) is one of the words.</summary>
    public bool FollowedBy(int index, FrozenSet<string> words) =>
        index + 1 < Tokens.Count && Joined(index, index + 1) && words.Contains(Tokens[index + 1].Word);

    /// <summary>Whether a token was typed with a possessive "'s" ("friend's").</summary>
    public bool Possessive(int index)
    {
        var typed = Text.AsSpan(Tokens[index].Start, Tokens[index].End - Tokens[index].Start);
        return typed.Length > 2 && typed[^1] is 's' or 'S' && typed[^2] is '\'' or '\u2019';
    }

    /// <summary>Whether a token was typed starting with a capital letter (officers capitalise names of places).</summary>
    public bool Capitalised(int index) => char.IsUpper(Text[Tokens[index].Start]);
}
