namespace NightSafe.ServiceBusEmulator.Broker;

/// <summary>Where senders send: a queue or a topic.</summary>
internal interface ISendTarget
{
    string Path { get; }

    void Accept(IReadOnlyList<StoredMessage> messages);

    long Schedule(StoredMessage message, DateTimeOffset at);

    bool CancelScheduled(long sequenceNumber);
}
