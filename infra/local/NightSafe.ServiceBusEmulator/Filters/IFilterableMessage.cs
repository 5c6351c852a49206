namespace NightSafe.ServiceBusEmulator.Filters;

/// <summary>What filters may read of a message: its system properties and its application properties.</summary>
internal interface IFilterableMessage
{
    string? MessageId { get; }

    string? CorrelationId { get; }

    string? To { get; }

    string? ReplyTo { get; }

    string? Subject { get; }

    string? SessionId { get; }

    string? ReplyToSessionId { get; }

    string? ContentType { get; }

    /// <summary>A system property by its SQL name (<c>sys.Label</c> → <c>Label</c>), case-insensitive; null when unset.</summary>
    object? GetSystemProperty(string name);

    bool TryGetApplicationProperty(string name, out object? value);
}
