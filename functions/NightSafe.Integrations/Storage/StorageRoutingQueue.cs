using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>The storage queue <c>referrals-routing</c>: messages are <see cref="RoutingWorkItem.ToJson"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the storage queue referrals-routing.")]
public sealed class StorageRoutingQueue(QueueServiceClient queues, StorageInitializer storage)
    : StorageJsonQueue<RoutingWorkItem>(queues, storage, QueueNames.Routing, item => item.ToJson()), IRoutingQueue;
