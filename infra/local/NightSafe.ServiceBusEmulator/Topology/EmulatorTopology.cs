namespace NightSafe.ServiceBusEmulator;

/// <summary>
/// The queues, topics, subscriptions and rules a broker serves. Immutable: the <c>With…</c> methods return a new
/// topology, so a test can start from routing.json and add what it needs.
/// </summary>
public sealed record EmulatorTopology
{
    public static EmulatorTopology Empty { get; } = new([], []);

    public EmulatorTopology(IReadOnlyList<QueueDefinition> queues, IReadOnlyList<TopicDefinition> topics)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(topics);
        Queues = queues;
        Topics = topics;
        Validate();
    }

    public IReadOnlyList<QueueDefinition> Queues { get; }

    public IReadOnlyList<TopicDefinition> Topics { get; }

    /// <summary>Reads Microsoft's emulator Config.json (<c>UserConfig.Namespaces[].Queues/Topics</c>).</summary>
    public static EmulatorTopology FromConfigJson(string json) => ConfigJsonReader.Read(json);

    /// <summary>
    /// NightSafe's routing.json: topics <c>cases</c> and <c>summaries</c>, each with one subscription per agency whose
    /// only rule is a correlation filter on the application property <c>agency</c>.
    /// </summary>
    public static EmulatorTopology FromRoutingJson(string json) => RoutingJsonReader.Read(json);

    public EmulatorTopology WithQueue(string name, EntitySettings? settings = null) =>
        new([.. Queues, new QueueDefinition(name, settings ?? EntitySettings.Default)], Topics);

    public EmulatorTopology WithTopic(string name, EntitySettings? settings = null, params SubscriptionDefinition[] subscriptions) =>
        new(Queues, [.. Topics, new TopicDefinition(name, settings ?? EntitySettings.Default, subscriptions)]);

    /// <summary>Adds a subscription to an existing topic; no rules means the <c>$Default</c> match-all rule.</summary>
    public EmulatorTopology WithSubscription(string topic, string name, EntitySettings? settings = null, params RuleDefinition[] rules)
    {
        var found = Topics.FirstOrDefault(t => string.Equals(t.Name, topic, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Topic '{topic}' is not in the topology.", nameof(topic));
        var updated = found with { Subscriptions = [.. found.Subscriptions, new SubscriptionDefinition(name, settings ?? EntitySettings.Default, rules)] };
        return new(Queues, [.. Topics.Select(t => ReferenceEquals(t, found) ? updated : t)]);
    }

    /// <summary>Both topologies together; entity names must not clash.</summary>
    public EmulatorTopology Merge(EmulatorTopology other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new([.. Queues, .. other.Queues], [.. Topics, .. other.Topics]);
    }

    private void Validate()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Queues.Select(q => q.Name).Concat(Topics.Select(t => t.Name)))
        {
            EntityNames.ThrowIfInvalid(name);
            if (!names.Add(name))
            {
                throw new ArgumentException($"Entity '{name}' is defined twice.");
            }
        }

        foreach (var topic in Topics)
        {
            var subscriptions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var subscription in topic.Subscriptions)
            {
                EntityNames.ThrowIfInvalid(subscription.Name);
                if (!subscriptions.Add(subscription.Name))
                {
                    throw new ArgumentException($"Subscription '{topic.Name}/{subscription.Name}' is defined twice.");
                }

                var rules = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var rule in subscription.Rules.Where(rule => !rules.Add(rule.Name)))
                {
                    throw new ArgumentException($"Rule '{rule.Name}' is defined twice on '{topic.Name}/{subscription.Name}'.");
                }
            }
        }
    }
}

internal static class EntityNames
{
    public static void ThrowIfInvalid(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith('/') || name.EndsWith('/') || name.Contains('$', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid entity name.");
        }
    }
}
