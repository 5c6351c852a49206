using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.ServiceBus;

namespace NightSafe.ServiceBusEmulator.Tests;

public sealed class SecurityTests
{
    private static readonly EmulatorTopology Topology = EmulatorTopology.Empty.WithQueue("orders").WithQueue("payroll");

    [Fact]
    public async Task The_documented_emulator_connection_string_is_accepted()
    {
        await using var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = Topology });
        Assert.NotEqual(0, broker.Port);
        Assert.Equal(
            $"Endpoint=sb://127.0.0.1:{broker.Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;",
            broker.ConnectionString);
        await using var client = new ServiceBusClient(broker.ConnectionString);
        await using var sender = client.CreateSender("orders");
        await sender.SendMessageAsync(new ServiceBusMessage("x"));
        Assert.Equal(1, broker.GetMessageCount("orders"));
    }

    [Fact]
    public async Task A_token_signed_with_the_wrong_key_is_refused_with_UnauthorizedAccessException()
    {
        await using var harness = await EmulatorHarness.StartAsync(Topology, key: "not-the-key");
        await using var sender = harness.Client.CreateSender("orders");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("x")));
        await using var receiver = harness.Client.CreateReceiver("orders");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(1)));
        Assert.Equal(0, harness.Broker.GetMessageCount("orders"));
    }

    [Fact]
    public async Task A_configured_key_name_and_key_replace_the_defaults()
    {
        await using var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = Topology, KeyName = "nightsafe", Key = "c2VjcmV0" });
        Assert.Contains("SharedAccessKeyName=nightsafe;SharedAccessKey=c2VjcmV0;", broker.ConnectionString, StringComparison.Ordinal);
        await using (var client = new ServiceBusClient(broker.ConnectionString))
        {
            await using var sender = client.CreateSender("orders");
            await sender.SendMessageAsync(new ServiceBusMessage("x"));
        }

        var defaults = $"Endpoint=sb://127.0.0.1:{broker.Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;";
        await using (var client = new ServiceBusClient(defaults, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0 } }))
        {
            await using var sender = client.CreateSender("orders");
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => sender.SendMessageAsync(new ServiceBusMessage("y")));
        }

        Assert.Equal(1, broker.GetMessageCount("orders"));
    }

    [Fact]
    public async Task A_token_for_one_entity_opens_that_entity_and_no_other()
    {
        await using var broker = await ServiceBusEmulatorServer.StartAsync(new ServiceBusEmulatorOptions { Topology = Topology });
        var token = SignedToken($"sb://127.0.0.1:{broker.Port}/orders", ServiceBusEmulatorOptions.DefaultKeyName, ServiceBusEmulatorOptions.DefaultKey);
        var connectionString = $"Endpoint=sb://127.0.0.1:{broker.Port};SharedAccessSignature={token};UseDevelopmentEmulator=true;";
        await using var client = new ServiceBusClient(connectionString, new ServiceBusClientOptions { RetryOptions = new ServiceBusRetryOptions { MaxRetries = 0 } });

        await using var allowed = client.CreateSender("orders");
        await allowed.SendMessageAsync(new ServiceBusMessage("x"));
        await using var denied = client.CreateSender("payroll");
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => denied.SendMessageAsync(new ServiceBusMessage("y")));

        Assert.Equal(1, broker.GetMessageCount("orders"));
        Assert.Equal(0, broker.GetMessageCount("payroll"));
    }

    private static string SignedToken(string resource, string keyName, string key)
    {
        var encodedResource = WebUtility.UrlEncode(resource);
        var expiry = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry)));
        return $"SharedAccessSignature sr={encodedResource}&sig={WebUtility.UrlEncode(signature)}&se={expiry}&skn={keyName}";
    }
}
