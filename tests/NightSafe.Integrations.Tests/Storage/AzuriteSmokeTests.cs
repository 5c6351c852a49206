using Azure.Data.Tables;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_table_entity_written_to_Azurite_reads_back()
    {
        var table = new TableClient(azurite.ConnectionString, "Smoke" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = "v" });

        var read = await table.GetEntityAsync<TableEntity>("p", "r");

        Assert.Equal("v", read.Value.GetString("Value"));
    }
}
