using Azure;

namespace NightSafe.Integrations.Storage;

/// <summary>Reads Table service failures: which ones mean "someone else wrote first".</summary>
internal static class TableErrors
{
    /// <summary>409 (the row exists), 412 (its ETag changed), or 404 for a row (not the table) that an update expected.</summary>
    public static bool IsLostRace(RequestFailedException e) =>
        e.Status is 409 or 412 || (e.Status == 404 && e.ErrorCode != "TableNotFound");

    public static bool IsConflict(RequestFailedException e) => e.Status == 409;
}
