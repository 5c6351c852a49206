using System.Globalization;
using System.Text;

namespace NightSafe.ServiceBusEmulator.Filters;

internal enum SqlTokenKind
{
    Identifier,
    QuotedIdentifier,
    String,
    Integer,
    Decimal,
    Symbol,
    End,
}

internal readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Kind == SqlTokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;
}

/// <summary>Splits a SQL filter expression into tokens.</summary>
internal static class SqlLexer
{
    private static readonly string[] TwoCharSymbols = ["<>", "!=", "<=", ">="];

    public static List<SqlToken> Tokenize(string text)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '\'')
            {
                tokens.Add(ReadString(text, ref i));
            }
            else if (c == '[')
            {
                var end = text.IndexOf(']', i + 1);
                if (end < 0)
                {
                    throw Error(i, "unterminated [identifier]");
                }

                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, text[(i + 1)..end], i));
                i = end + 1;
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Identifier, text[start..i], start));
            }
            else if (i + 1 < text.Length && TwoCharSymbols.Contains(text.Substring(i, 2)))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, text.Substring(i, 2), i));
                i += 2;
            }
            else if ("=<>+-*/%(),.".Contains(c, StringComparison.Ordinal))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, c.ToString(), i));
                i++;
            }
            else
            {
                throw Error(i, $"unexpected character '{c}'");
            }
        }

        tokens.Add(new SqlToken(SqlTokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    public static FormatException Error(int position, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"SQL filter: {what} at position {position}."));

    private static SqlToken ReadString(string text, ref int i)
    {
        var start = i;
        var value = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= text.Length)
            {
                throw Error(start, "unterminated string");
            }

            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'')
                {
                    value.Append('\'');
                    i += 2;
                    continue;
                }

                i++;
                return new SqlToken(SqlTokenKind.String, value.ToString(), start);
            }

            value.Append(text[i]);
            i++;
        }
    }

    private static SqlToken ReadNumber(string text, ref int i)
    {
        var start = i;
        var isDecimal = false;
        while (i < text.Length && char.IsDigit(text[i]))
        {
            i++;
        }

        if (i < text.Length && text[i] == '.')
        {
            isDecimal = true;
            i++;
            while (i < text.Length && char.IsDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            isDecimal = true;
            i++;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            while (i < text.Length && char.IsDigit(text[i]))
            {
                i++;
            }
        }

        return new SqlToken(isDecimal ? SqlTokenKind.Decimal : SqlTokenKind.Integer, text[start..i], start);
    }
}
