namespace NightSafe.ServiceBusEmulator;

public sealed record QueueDefinition(string Name, EntitySettings Settings);

public sealed record TopicDefinition(string Name, EntitySettings Settings, IReadOnlyList<SubscriptionDefinition> Subscriptions);

/// <summary>A subscription; with no rules it gets the <c>$Default</c> rule that matches everything, as Service Bus does.</summary>
public sealed record SubscriptionDefinition(string Name, EntitySettings Settings, IReadOnlyList<RuleDefinition> Rules)
{
    public const string DefaultRuleName = "$Default";

    public IReadOnlyList<RuleDefinition> EffectiveRules =>
        Rules.Count == 0 ? [new RuleDefinition(DefaultRuleName, TrueRuleFilter.Instance)] : Rules;
}

public sealed record RuleDefinition(string Name, RuleFilter Filter);
