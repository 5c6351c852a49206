using Azure.Data.Tables;

namespace NightSafe.Functions.Tests;

/// <summary>Reads what the app stored, straight from Azurite with the Tables SDK.</summary>
internal static class StackQueries
{
    public static List<TableEntity> Referrals(this LocalHub stack) =>
        stack.Table("Referrals").Query<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"R|"} and RowKey lt {"R}"}")).ToList();

    public static List<TableEntity> Events(this LocalHub stack, string night, string reference) =>
        stack.Table("Referrals").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {night} and RowKey ge {"E|" + reference + "|"} and RowKey lt {"E|" + reference + "}"}")).ToList();
}
