using System.Text;
using System.Text.RegularExpressions;

namespace NightSafe.ServiceBusEmulator.Filters;

/// <summary>A node of a parsed SQL filter. Predicates evaluate to true, false or null (unknown), as in SQL.</summary>
internal abstract record SqlNode
{
    public abstract object? Evaluate(IFilterableMessage message);

    protected static bool? AsBool(object? value) => value as bool?;
}

internal sealed record SqlLiteral(object? Value) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) => Value;
}

internal sealed record SqlProperty(bool IsSystem, string Name) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) =>
        IsSystem ? message.GetSystemProperty(Name) : message.TryGetApplicationProperty(Name, out var value) ? value : null;

    public bool Exists(IFilterableMessage message) =>
        IsSystem ? message.GetSystemProperty(Name) is not null : message.TryGetApplicationProperty(Name, out _);
}

internal sealed record SqlAnd(SqlNode Left, SqlNode Right) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message)
    {
        var left = AsBool(Left.Evaluate(message));
        if (left == false)
        {
            return false;
        }

        var right = AsBool(Right.Evaluate(message));
        return right == false ? false : left is null || right is null ? null : true;
    }
}

internal sealed record SqlOr(SqlNode Left, SqlNode Right) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message)
    {
        var left = AsBool(Left.Evaluate(message));
        if (left == true)
        {
            return true;
        }

        var right = AsBool(Right.Evaluate(message));
        return right == true ? true : left is null || right is null ? null : false;
    }
}

internal sealed record SqlNot(SqlNode Operand) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) => AsBool(Operand.Evaluate(message)) is { } value ? !value : null;
}

internal sealed record SqlComparison(string Operator, SqlNode Left, SqlNode Right) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message)
    {
        var order = FilterValues.Compare(Left.Evaluate(message), Right.Evaluate(message));
        if (order is not { } o)
        {
            return null;
        }

        return Operator switch
        {
            "=" => o == 0,
            "<>" => o != 0,
            "<" => o < 0,
            "<=" => o <= 0,
            ">" => o > 0,
            ">=" => o >= 0,
            _ => null,
        };
    }
}

internal sealed record SqlIn(SqlNode Value, IReadOnlyList<SqlNode> Items, bool Negated) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message)
    {
        var value = Value.Evaluate(message);
        if (value is null)
        {
            return null;
        }

        var found = Items.Any(item => FilterValues.AreEqual(value, item.Evaluate(message)));
        return found != Negated;
    }
}

internal sealed record SqlLike : SqlNode
{
    private readonly Regex _pattern;

    public SqlLike(SqlNode value, string pattern, char? escape, bool negated)
    {
        Value = value;
        Pattern = pattern;
        Negated = negated;
        _pattern = new Regex(ToRegex(pattern, escape), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public SqlNode Value { get; }

    public string Pattern { get; }

    public bool Negated { get; }

    public override object? Evaluate(IFilterableMessage message) =>
        Value.Evaluate(message) is string text ? _pattern.IsMatch(text) != Negated : null;

    private static string ToRegex(string pattern, char? escape)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escape == c && i + 1 < pattern.Length)
            {
                regex.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '%')
            {
                regex.Append(".*");
            }
            else if (c == '_')
            {
                regex.Append('.');
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}

internal sealed record SqlIsNull(SqlNode Value, bool Negated) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) => (Value.Evaluate(message) is null) != Negated;
}

internal sealed record SqlExists(SqlProperty Property) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) => Property.Exists(message);
}

internal sealed record SqlNegate(SqlNode Operand) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message) => Operand.Evaluate(message) switch
    {
        null => null,
        var v when FilterValues.IsIntegral(v) => -Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
        var v when FilterValues.IsNumber(v) => -FilterValues.ToDouble(v),
        _ => null,
    };
}

internal sealed record SqlArithmetic(char Operator, SqlNode Left, SqlNode Right) : SqlNode
{
    public override object? Evaluate(IFilterableMessage message)
    {
        var left = Left.Evaluate(message);
        var right = Right.Evaluate(message);
        if (!FilterValues.IsNumber(left) || !FilterValues.IsNumber(right))
        {
            return Operator == '+' && left is string a && right is string b ? a + b : null;
        }

        if (FilterValues.IsIntegral(left) && FilterValues.IsIntegral(right))
        {
            var x = Convert.ToInt64(left, System.Globalization.CultureInfo.InvariantCulture);
            var y = Convert.ToInt64(right, System.Globalization.CultureInfo.InvariantCulture);
            return Operator switch
            {
                '+' => x + y,
                '-' => x - y,
                '*' => x * y,
                '/' => y == 0 ? null : x / y,
                '%' => y == 0 ? null : x % y,
                _ => null,
            };
        }

        var p = FilterValues.ToDouble(left!);
        var q = FilterValues.ToDouble(right!);
        return Operator switch
        {
            '+' => p + q,
            '-' => p - q,
            '*' => p * q,
            '/' => p / q,
            '%' => p % q,
            _ => null,
        };
    }
}
