using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>The storage queue <c>sms-outbound</c>: messages are <see cref="OutboundSmsItem.ToJson"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue sms-outbound.")]
public sealed class StorageOutboundSmsQueue(QueueServiceClient queues, StorageInitializer storage)
    : StorageJsonQueue<OutboundSmsItem>(queues, storage, QueueNames.OutboundSms, item => item.ToJson()), IOutboundSmsQueue;
