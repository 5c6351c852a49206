using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class StorageRoutingQueueTests(AzuriteFixture azurite) : IDisposable
{
    private readonly StorageTestBed _bed = new(azurite);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));

    private CancellationToken Ct => _timeout.Token;

    [Fact]
    public async Task A_work_item_is_base64_json_that_the_functions_host_can_read()
    {
        var item = new RoutingWorkItem("2026-12-18", "7KQ2MX", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        var raw = new QueueClient(azurite.ConnectionString, QueueNames.Routing);
        var decoding = new QueueClient(azurite.ConnectionString, QueueNames.Routing, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        await _bed.Get<IRoutingQueue>().EnqueueAsync(item, Ct);

        // Peek leaves the message where it was; this is the only test that uses the queue.
        var peeked = (await raw.PeekMessagesAsync(32, Ct)).Value;
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(peeked[^1].Body.ToString()));
        var decoded = (await decoding.PeekMessagesAsync(32, Ct)).Value[^1].Body.ToString();
        Assert.Equal(text, decoded);

        using var json = JsonDocument.Parse(text);
        Assert.Equal(["night", "reference", "traceparent"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-12-18", json.RootElement.GetProperty("night").GetString());
        Assert.Equal("7KQ2MX", json.RootElement.GetProperty("reference").GetString());
        Assert.Equal(item.TraceParent, json.RootElement.GetProperty("traceparent").GetString());
        Assert.Equal(item, JsonSerializer.Deserialize<RoutingWorkItem>(text, JsonSerializerOptions.Web));
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _bed.Dispose();
    }
}
