using System.Globalization;

namespace NightSafe.ServiceBusEmulator.Filters;

/// <summary>
/// Recursive-descent parser for Service Bus SQL filters: comparisons, AND/OR/NOT, [NOT] IN, [NOT] LIKE … [ESCAPE],
/// IS [NOT] NULL, EXISTS(…), arithmetic, over <c>sys.</c> and <c>user.</c> (default) properties.
/// </summary>
internal sealed class SqlParser
{
    private static readonly HashSet<string> SystemProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "MessageId", "CorrelationId", "To", "ReplyTo", "Label", "Subject", "SessionId", "ReplyToSessionId", "ContentType",
        "SequenceNumber", "EnqueuedSequenceNumber", "EnqueuedTimeUtc", "ScheduledEnqueueTimeUtc", "ExpiresAtUtc",
        "DeliveryCount", "Size", "TimeToLive",
    };

    private static readonly HashSet<string> ComparisonOperators = ["=", "<>", "!=", "<", "<=", ">", ">="];

    private readonly List<SqlToken> _tokens;
    private int _next;

    private SqlParser(List<SqlToken> tokens) => _tokens = tokens;

    private SqlToken Current => _tokens[_next];

    public static SqlNode Parse(string expression)
    {
        var parser = new SqlParser(SqlLexer.Tokenize(expression));
        var node = parser.ParseOr();
        if (parser.Current.Kind != SqlTokenKind.End)
        {
            throw SqlLexer.Error(parser.Current.Position, $"unexpected '{parser.Current.Text}'");
        }

        return node;
    }

    private SqlNode ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsKeyword("OR"))
        {
            _next++;
            left = new SqlOr(left, ParseAnd());
        }

        return left;
    }

    private SqlNode ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsKeyword("AND"))
        {
            _next++;
            left = new SqlAnd(left, ParseNot());
        }

        return left;
    }

    private SqlNode ParseNot()
    {
        if (Current.IsKeyword("NOT"))
        {
            _next++;
            return new SqlNot(ParseNot());
        }

        return ParsePredicate();
    }

    private SqlNode ParsePredicate()
    {
        if (Current.IsKeyword("EXISTS"))
        {
            _next++;
            Expect("(");
            var property = ParseProperty();
            Expect(")");
            return new SqlExists(property);
        }

        var left = ParseAdditive();
        if (Current.Kind == SqlTokenKind.Symbol && ComparisonOperators.Contains(Current.Text))
        {
            var op = Current.Text == "!=" ? "<>" : Current.Text;
            _next++;
            return new SqlComparison(op, left, ParseAdditive());
        }

        if (Current.IsKeyword("IS"))
        {
            _next++;
            var negated = Accept("NOT");
            ExpectKeyword("NULL");
            return new SqlIsNull(left, negated);
        }

        var not = false;
        if (Current.IsKeyword("NOT") && (Peek(1).IsKeyword("IN") || Peek(1).IsKeyword("LIKE")))
        {
            _next++;
            not = true;
        }

        if (Accept("IN"))
        {
            Expect("(");
            var items = new List<SqlNode> { ParseAdditive() };
            while (Current.IsSymbol(","))
            {
                _next++;
                items.Add(ParseAdditive());
            }

            Expect(")");
            return new SqlIn(left, items, not);
        }

        if (Accept("LIKE"))
        {
            var pattern = ExpectString();
            char? escape = null;
            if (Accept("ESCAPE"))
            {
                var escapeText = ExpectString();
                if (escapeText.Length != 1)
                {
                    throw SqlLexer.Error(_tokens[_next - 1].Position, "ESCAPE takes one character");
                }

                escape = escapeText[0];
            }

            return new SqlLike(left, pattern, escape, not);
        }

        return left;
    }

    private SqlNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.IsSymbol("+") || Current.IsSymbol("-"))
        {
            var op = Current.Text[0];
            _next++;
            left = new SqlArithmetic(op, left, ParseMultiplicative());
        }

        return left;
    }

    private SqlNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.IsSymbol("*") || Current.IsSymbol("/") || Current.IsSymbol("%"))
        {
            var op = Current.Text[0];
            _next++;
            left = new SqlArithmetic(op, left, ParseUnary());
        }

        return left;
    }

    private SqlNode ParseUnary()
    {
        if (Current.IsSymbol("-"))
        {
            _next++;
            return new SqlNegate(ParseUnary());
        }

        if (Current.IsSymbol("+"))
        {
            _next++;
            return ParseUnary();
        }

        return ParsePrimary();
    }

    private SqlNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case SqlTokenKind.String:
                _next++;
                return new SqlLiteral(token.Text);
            case SqlTokenKind.Integer:
                _next++;
                return long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var whole)
                    ? new SqlLiteral(whole)
                    : new SqlLiteral(double.Parse(token.Text, CultureInfo.InvariantCulture));
            case SqlTokenKind.Decimal:
                _next++;
                return new SqlLiteral(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture));
            case SqlTokenKind.Symbol when token.Text == "(":
                _next++;
                var inner = ParseOr();
                Expect(")");
                return inner;
            case SqlTokenKind.Identifier when token.IsKeyword("TRUE"):
                _next++;
                return new SqlLiteral(true);
            case SqlTokenKind.Identifier when token.IsKeyword("FALSE"):
                _next++;
                return new SqlLiteral(false);
            case SqlTokenKind.Identifier when token.IsKeyword("NULL"):
                _next++;
                return new SqlLiteral(null);
            case SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier:
                if (Peek(1).IsSymbol("(") && token.Kind == SqlTokenKind.Identifier)
                {
                    throw SqlLexer.Error(token.Position, $"function '{token.Text}' is not supported");
                }

                return ParseProperty();
            default:
                throw SqlLexer.Error(token.Position, token.Kind == SqlTokenKind.End ? "unexpected end" : $"unexpected '{token.Text}'");
        }
    }

    private SqlProperty ParseProperty()
    {
        var first = Current;
        if (first.Kind is not (SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier))
        {
            throw SqlLexer.Error(first.Position, "a property name is expected");
        }

        _next++;
        if (first.Kind == SqlTokenKind.Identifier && Current.IsSymbol(".") && (first.IsKeyword("sys") || first.IsKeyword("user")))
        {
            _next++;
            var name = Current;
            if (name.Kind is not (SqlTokenKind.Identifier or SqlTokenKind.QuotedIdentifier))
            {
                throw SqlLexer.Error(name.Position, "a property name is expected after the scope");
            }

            _next++;
            if (first.IsKeyword("sys"))
            {
                if (!SystemProperties.Contains(name.Text))
                {
                    throw SqlLexer.Error(name.Position, $"unknown system property 'sys.{name.Text}'");
                }

                return new SqlProperty(IsSystem: true, name.Text);
            }

            return new SqlProperty(IsSystem: false, name.Text);
        }

        return new SqlProperty(IsSystem: false, first.Text);
    }

    private SqlToken Peek(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private bool Accept(string keyword)
    {
        if (!Current.IsKeyword(keyword))
        {
            return false;
        }

        _next++;
        return true;
    }

    private void ExpectKeyword(string keyword)
    {
        if (!Accept(keyword))
        {
            throw SqlLexer.Error(Current.Position, $"{keyword} expected");
        }
    }

    private void Expect(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw SqlLexer.Error(Current.Position, $"'{symbol}' expected");
        }

        _next++;
    }

    private string ExpectString()
    {
        if (Current.Kind != SqlTokenKind.String)
        {
            throw SqlLexer.Error(Current.Position, "a string literal is expected");
        }

        return _tokens[_next++].Text;
    }
}
