using Azure.Data.Tables;
using NightSafe.Functions.Sms;

namespace NightSafe.Functions.Tests;

/// <summary>Reads what the app stored, straight from Azurite with the Tables SDK.</summary>
internal static class StackQueries
{
    public static List<TableEntity> Referrals(this LocalHub stack) =>
        stack.Table("Referrals").Query<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"R|"} and RowKey lt {"R}"}")).ToList();

    public static List<TableEntity> Events(this LocalHub stack, string night, string reference) =>
        stack.Table("Referrals").Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {night} and RowKey ge {"E|" + reference + "|"} and RowKey lt {"E|" + reference + "}"}")).ToList();

    /// <summary>
    /// Works the sms-outbound queue as the host does: each message through <see cref="SmsOutbound"/>; a failure is
    /// tried again (the app's clock moves past the send lease) up to <paramref name="maxDequeueCount"/> times, then it
    /// goes through <see cref="SmsOutboundPoison"/>. Returns how many attempts failed.
    /// </summary>
    public static async Task<int> SendQueuedSmsAsync(this LocalHub stack, int maxDequeueCount = 5)
    {
        var queue = stack.Queue(Core.Ports.QueueNames.OutboundSms);
        await queue.CreateIfNotExistsAsync();
        var failures = 0;
        while ((await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value is { } message)
        {
            try
            {
                await stack.Function<SmsOutbound>().RunAsync(message.MessageText, message.MessageId, message.DequeueCount, stack.Context());
            }
            catch (Exception) when (message.DequeueCount < maxDequeueCount)
            {
                failures++;
                stack.Time.Advance(Core.Sms.OutboundSms.Lease);
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                continue;
            }
            catch (Exception)
            {
                failures++;
                await stack.Function<SmsOutboundPoison>().RunAsync(message.MessageText, message.MessageId, stack.Context());
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return failures;
    }
}
