namespace NightSafe.Cli.Stack;

/// <summary>A part of the offline stack that listens on a port of its own.</summary>
public enum StackPart
{
    AzuriteBlob,
    AzuriteQueue,
    AzuriteTable,
    ServiceBus,
    Functions,
    Twilio,
}

/// <summary>The ports the offline stack listens on (127.0.0.1); 0 picks a free one.</summary>
public sealed record StackPorts(int AzuriteBlob, int AzuriteQueue, int AzuriteTable, int ServiceBus, int Functions, int Twilio)
{
    /// <summary>The real tools' ports: Azurite 10000-10002, Service Bus 5672, Functions 7071; the Twilio stand-in 7080.</summary>
    public static StackPorts Defaults { get; } = new(10000, 10001, 10002, 5672, 7071, 7080);

    /// <summary>Every port free and chosen at start, so a stack never clashes with another one.</summary>
    public static StackPorts AnyFree { get; } = new(0, 0, 0, 0, 0, 0);

    public int this[StackPart part] => part switch
    {
        StackPart.AzuriteBlob => AzuriteBlob,
        StackPart.AzuriteQueue => AzuriteQueue,
        StackPart.AzuriteTable => AzuriteTable,
        StackPart.ServiceBus => ServiceBus,
        StackPart.Functions => Functions,
        StackPart.Twilio => Twilio,
        _ => throw new ArgumentOutOfRangeException(nameof(part), part, null),
    };

    /// <summary>The parts whose fixed port something else already listens on.</summary>
    public IReadOnlyList<(StackPart Part, int Port)> Taken(Func<int, bool> isFree)
    {
        ArgumentNullException.ThrowIfNull(isFree);
        return [.. Enum.GetValues<StackPart>().Select(p => (Part: p, Port: this[p])).Where(p => p.Port != 0 && !isFree(p.Port))];
    }
}

/// <summary>A fixed port that is already in use; the message names the port and the part.</summary>
public sealed class PortTakenException(StackPart part, int port, Exception? inner = null)
    : Exception($"Port {port} for {part} is already in use.", inner)
{
    public StackPart Part { get; } = part;

    public int Port { get; } = port;
}
