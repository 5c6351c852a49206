using NightSafe.Core.Text;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Integrations.Storage;

/// <summary>
/// How a referral, its partner cases and its audit events are laid out in the Referrals table: one partition per
/// night, and RowKeys <c>R|{ref}</c>, <c>C|{ref}|{agency}</c> and <c>E|{ref}|{ticks}-{random}</c> so that a
/// referral and everything about it can change in one transaction.
/// </summary>
internal static class ReferralRows
{
    public const string ReferralPrefix = "R|";
    public const string CasePrefix = "C|";
    public const string EventPrefix = "E|";

    /// <summary>Phone index rows, <c>P|{phone hash}|{ref}</c>: which referrals of the night hold a subject phone.</summary>
    public const string PhoneIndexRowPrefix = "P|";

    // Column names.
    public const string Erased = "Erased";
    public const string Agency = "Agency";
    public const string Location = "Location";
    public const string Description = "Description";
    public const string SubjectPhone = "SubjectPhone";
    public const string View = "View";
    public const string Data = "Data";
    public const string ErasedAt = "ErasedAt";

    private const string ListSeparator = ",";

    public static string ReferralKey(ReferenceCode reference) => ReferralPrefix + reference;

    public static string CaseKey(ReferenceCode reference, AgencyId agencyId) => $"{CasePrefix}{reference}|{agencyId.Value}";

    public static string CasesOfPrefix(ReferenceCode reference) => $"{CasePrefix}{reference}|";

    public static string EventsOfPrefix(ReferenceCode reference) => $"{EventPrefix}{reference}|";

    /// <summary>The start of every index row of one phone (by its <see cref="PhoneKeys.For"/> key, an HMAC under the pepper).</summary>
    public static string PhoneIndexPrefix(string phoneKey) => $"{PhoneIndexRowPrefix}{phoneKey}|";

    public static TableEntity ToPhoneIndexEntity(NightId night, ReferenceCode reference, string phoneKey) =>
        new(night.ToString(), PhoneIndexPrefix(phoneKey) + reference) { ["Reference"] = reference.ToString() };

    /// <summary>An event's RowKey: UTC ticks (19 digits, so text order is time order) and 8 random hex digits.</summary>
    public static string EventKey(ReferenceCode reference, long utcTicks, string randomHex) =>
        string.Create(CultureInfo.InvariantCulture, $"{EventPrefix}{reference}|{utcTicks:D19}-{randomHex}");

    public static TableEntity ToEntity(Referral referral)
    {
        ArgumentNullException.ThrowIfNull(referral);
        return new TableEntity(referral.Night.ToString(), ReferralKey(referral.Reference))
        {
            ["Reference"] = referral.Reference.ToString(),
            ["ReceivedAt"] = referral.ReceivedAt,
            ["Source"] = referral.Source.ToString(),
            ["TownId"] = referral.TownId.Value,
            ["Categories"] = string.Join(ListSeparator, referral.Categories.Values()),
            ["Priority"] = referral.Priority.ToString(),
            [Location] = referral.Location,
            [Description] = referral.Description,
            [SubjectPhone] = referral.SubjectPhone,
            ["Consent"] = referral.Consent.ToString(),
            ["Officer"] = referral.Officer,
            ["Status"] = referral.Status.ToString(),
            ["Flagged"] = referral.Flagged,
            ["Advice"] = referral.Advice.ToString(),
            ["AdviceMessageId"] = referral.AdviceMessageId,
            ["AdviceError"] = referral.AdviceError,
            ["AdviceReportedStatus"] = referral.AdviceReportedStatus,
            ["RoutedAt"] = referral.RoutedAt,
            ["CasesRecordedAt"] = referral.CasesRecordedAt,
            ["ClosedAt"] = referral.ClosedAt,
            [ErasedAt] = referral.ErasedAt,
            [Erased] = referral.ErasedAt is not null,
            ["TraceParent"] = referral.TraceParent,
            ["Inbound"] = referral.Inbound,
        };
    }

    public static Referral ToReferral(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new Referral
        {
            Night = NightId.Parse(entity.PartitionKey),
            Reference = ReferenceCode.Parse(entity.GetString("Reference")),
            ReceivedAt = Required(entity.GetDateTimeOffset("ReceivedAt"), "ReceivedAt"),
            Source = Enum<ReferralSource>(entity, "Source"),
            TownId = TownId.From(Required(entity.GetString("TownId"), "TownId")),
            Categories = List(entity.GetString("Categories")).As<CategoryId>(),
            Priority = Enum<Priority>(entity, "Priority"),
            Location = entity.GetString(Location),
            Description = entity.GetString(Description),
            SubjectPhone = entity.GetString(SubjectPhone),
            Consent = Enum<Consent>(entity, "Consent"),
            Officer = entity.GetString("Officer"),
            Status = Enum<ReferralStatus>(entity, "Status"),
            Flagged = entity.GetBoolean("Flagged") ?? false,
            Advice = Enum<AdviceState>(entity, "Advice"),
            AdviceMessageId = entity.GetString("AdviceMessageId"),
            AdviceError = entity.GetString("AdviceError"),
            AdviceReportedStatus = entity.GetString("AdviceReportedStatus"),
            RoutedAt = entity.GetDateTimeOffset("RoutedAt"),
            CasesRecordedAt = entity.GetDateTimeOffset("CasesRecordedAt"),
            ClosedAt = entity.GetDateTimeOffset("ClosedAt"),
            ErasedAt = entity.GetDateTimeOffset(ErasedAt),
            TraceParent = entity.GetString("TraceParent"),
            Inbound = entity.GetString("Inbound"),
        };
    }

    public static TableEntity ToEntity(PartnerCase partnerCase)
    {
        ArgumentNullException.ThrowIfNull(partnerCase);
        return new TableEntity(partnerCase.Night.ToString(), CaseKey(partnerCase.Reference, partnerCase.AgencyId))
        {
            ["Reference"] = partnerCase.Reference.ToString(),
            [Agency] = partnerCase.AgencyId.Value,
            ["DisclosedAt"] = partnerCase.DisclosedAt,
            ["Fields"] = string.Join(ListSeparator, partnerCase.Fields),
            [View] = partnerCase.View,
            ["Status"] = partnerCase.Status.ToString(),
            ["AcceptedAt"] = partnerCase.AcceptedAt,
            ["UpdatedAt"] = partnerCase.UpdatedAt,
            ["RemindedAt"] = partnerCase.RemindedAt,
            ["EscalatedAt"] = partnerCase.EscalatedAt,
            ["EscalationReason"] = partnerCase.EscalationReason,
            ["CancelledAt"] = partnerCase.CancelledAt,
            ["WithheldAt"] = partnerCase.WithheldAt,
        };
    }

    public static PartnerCase ToCase(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new PartnerCase
        {
            Night = NightId.Parse(entity.PartitionKey),
            Reference = ReferenceCode.Parse(entity.GetString("Reference")),
            AgencyId = AgencyId.From(Required(entity.GetString(Agency), Agency)),
            DisclosedAt = Required(entity.GetDateTimeOffset("DisclosedAt"), "DisclosedAt"),
            Fields = List(entity.GetString("Fields")),
            View = entity.GetString(View) ?? "{}",
            Status = Enum<CaseStatus>(entity, "Status"),
            AcceptedAt = entity.GetDateTimeOffset("AcceptedAt"),
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt"),
            RemindedAt = entity.GetDateTimeOffset("RemindedAt"),
            EscalatedAt = entity.GetDateTimeOffset("EscalatedAt"),
            EscalationReason = entity.GetString("EscalationReason"),
            CancelledAt = entity.GetDateTimeOffset("CancelledAt"),
            WithheldAt = entity.GetDateTimeOffset("WithheldAt"),
        };
    }

    public static TableEntity ToEntity(NightId night, ReferenceCode reference, ReferralEvent referralEvent, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(referralEvent);
        return new TableEntity(night.ToString(), rowKey)
        {
            ["Reference"] = reference.ToString(),
            ["At"] = referralEvent.At,
            ["Kind"] = referralEvent.Kind,
            ["Actor"] = referralEvent.Actor,
            [Data] = JsonSerializer.Serialize(referralEvent.Data),
        };
    }

    public static ReferralEvent ToEvent(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new ReferralEvent(
            Required(entity.GetDateTimeOffset("At"), "At"),
            entity.GetString("Kind") ?? string.Empty,
            entity.GetString("Actor") ?? string.Empty,
            ReadData(entity.GetString(Data)));
    }

    public static Dictionary<string, string> ReadData(string? json) =>
        string.IsNullOrEmpty(json)
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(
                JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [],
                StringComparer.Ordinal);

    private static string[] List(string? joined) =>
        string.IsNullOrEmpty(joined) ? [] : joined.Split(ListSeparator);

    private static TEnum Enum<TEnum>(TableEntity entity, string column)
        where TEnum : struct, Enum
    {
        var text = entity.GetString(column);
        return EnumNames.TryParse<TEnum>(text, out var value)
            ? value
            : throw new FormatException($"Column {column} of {entity.PartitionKey}/{entity.RowKey} holds an unknown {typeof(TEnum).Name}.");
    }

    private static string Required(string? value, string column) =>
        string.IsNullOrWhiteSpace(value) ? throw new FormatException($"Column {column} is missing.") : value;

    private static DateTimeOffset Required(DateTimeOffset? value, string column) =>
        value ?? throw new FormatException($"Column {column} is missing.");
}
