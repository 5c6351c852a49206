using System.Text;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>
/// A word of the officer's text: where it is, and its lower-case form without apostrophes ("Doesn't" is "doesnt").
/// <see cref="Typos"/> is how many edits corrected the word as typed into a vocabulary word ("colchster").
/// </summary>
internal readonly record struct Token(int Start, int End, string Word, int Typos = 0)
{
    public bool IsNumber => Word.Length > 0 && char.IsAsciiDigit(Word[0]);
}

internal static class Tokenizer
{
    /// <summary>Splits text into runs of letters and digits; an apostrophe between letters stays inside the word.</summary>
    public static List<Token> Split(string text)
    {
        var tokens = new List<Token>();
        var builder = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            builder.Clear();
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsLetterOrDigit(c))
                {
                    builder.Append(char.ToLowerInvariant(c));
                    i++;
                }
                else if (IsApostrophe(c) && i + 1 < text.Length && char.IsLetter(text[i + 1]) && i > start)
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            tokens.Add(new Token(start, i, builder.ToString()));
        }

        return tokens;
    }

    /// <summary>The words of a vocabulary phrase, normalised like an officer's text ("Southend-on-Sea" is southend, on, sea).</summary>
    public static string[] Words(string phrase) => Split(phrase).Select(t => t.Word).ToArray();

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '`';
}
