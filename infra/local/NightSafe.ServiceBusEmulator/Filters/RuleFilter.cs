using NightSafe.ServiceBusEmulator.Filters;

namespace NightSafe.ServiceBusEmulator;

/// <summary>Decides whether a message sent to a topic is copied into a subscription.</summary>
public abstract record RuleFilter
{
    internal abstract bool Matches(IFilterableMessage message);
}

/// <summary>Matches everything: the filter of a subscription's <c>$Default</c> rule.</summary>
public sealed record TrueRuleFilter : RuleFilter
{
    public static TrueRuleFilter Instance { get; } = new();

    internal override bool Matches(IFilterableMessage message) => true;
}

public sealed record FalseRuleFilter : RuleFilter
{
    public static FalseRuleFilter Instance { get; } = new();

    internal override bool Matches(IFilterableMessage message) => false;
}

/// <summary>Every property that is set must equal the message's (AND); unset properties are ignored.</summary>
public sealed record CorrelationRuleFilter : RuleFilter
{
    public string? CorrelationId { get; init; }

    public string? MessageId { get; init; }

    public string? To { get; init; }

    public string? ReplyTo { get; init; }

    public string? Subject { get; init; }

    public string? SessionId { get; init; }

    public string? ReplyToSessionId { get; init; }

    public string? ContentType { get; init; }

    public IReadOnlyDictionary<string, object?> ApplicationProperties { get; init; } = new Dictionary<string, object?>();

    internal override bool Matches(IFilterableMessage message)
    {
        if (!SystemMatches(CorrelationId, message.CorrelationId)
            || !SystemMatches(MessageId, message.MessageId)
            || !SystemMatches(To, message.To)
            || !SystemMatches(ReplyTo, message.ReplyTo)
            || !SystemMatches(Subject, message.Subject)
            || !SystemMatches(SessionId, message.SessionId)
            || !SystemMatches(ReplyToSessionId, message.ReplyToSessionId)
            || !SystemMatches(ContentType, message.ContentType))
        {
            return false;
        }

        foreach (var (name, expected) in ApplicationProperties)
        {
            if (!message.TryGetApplicationProperty(name, out var actual) || !FilterValues.AreEqual(expected, actual))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SystemMatches(string? expected, string? actual) => expected is null || string.Equals(expected, actual, StringComparison.Ordinal);
}

/// <summary>A SQL-92 subset expression over <c>sys.</c> and user properties, parsed when the filter is created.</summary>
public sealed record SqlRuleFilter : RuleFilter
{
    private readonly SqlNode _expression;

    public SqlRuleFilter(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        Expression = expression;
        _expression = SqlParser.Parse(expression);
    }

    public string Expression { get; }

    internal override bool Matches(IFilterableMessage message) => _expression.Evaluate(message) is true;

    public bool Equals(SqlRuleFilter? other) => other is not null && string.Equals(Expression, other.Expression, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Expression);
}
