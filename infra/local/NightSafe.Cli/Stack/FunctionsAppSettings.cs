using System.Globalization;
using NightSafe.Core.Outcomes;

namespace NightSafe.Cli.Stack;

/// <summary>What the app needs to know about the local parts it runs on.</summary>
public sealed record LocalParts(
    string StorageConnectionString,
    string ServiceBusConnectionString,
    Uri TwilioBaseUrl,
    string TwilioAccountSid,
    string TwilioAuthToken,
    string HubNumber,
    Uri PublicBaseUrl,
    string PagesSigningKey = "",
    string PhonePepper = "");

/// <summary>The app settings (local.settings.json Values; <c>__</c> for <c>:</c>) for running NightSafe.Functions offline.</summary>
public static class FunctionsAppSettings
{
    public static Dictionary<string, string?> For(
        LocalParts parts,
        IReadOnlyDictionary<string, string> partnerKeys,
        DateTime? clockStart,
        TimeSpan twilioRetryBaseDelay,
        string? controlRoomKey = null,
        DateTimeOffset? clockStartsAt = null,
        TimeSpan? acknowledgeWithin = null)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(partnerKeys);
        var c = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development",
            ["AzureWebJobsStorage"] = parts.StorageConnectionString,
            ["ServiceBus__connectionString"] = parts.ServiceBusConnectionString,
            ["Twilio__AccountSid"] = parts.TwilioAccountSid,
            ["Twilio__AuthToken"] = parts.TwilioAuthToken,
            ["Twilio__From"] = parts.HubNumber,
            ["Twilio__ApiBaseUrl"] = parts.TwilioBaseUrl.ToString(),
            ["Twilio__RetryBaseDelay"] = twilioRetryBaseDelay.ToString("c", c),
            ["Twilio__RetryMaxDelay"] = TimeSpan.FromTicks(Math.Max(twilioRetryBaseDelay.Ticks * 10, TimeSpan.FromSeconds(1).Ticks)).ToString("c", c),
            ["NightSafe__PublicBaseUrl"] = parts.PublicBaseUrl.ToString(),
            ["NightSafe__SeedRoster"] = "true",
            ["Retention__Days"] = "31",
            // As in Azure (infra/modules/app-settings.bicep): the dev host answers 413 to a larger body.
            ["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"] = "1048576",
            // No App Service Authentication offline: `up` prints signed sign-in links instead.
            ["Pages__LocalSignIn"] = "true",
        };
        if (controlRoomKey is not null)
        {
            // Offline there is no App Service Authentication: the control room reads dossiers with this key.
            settings["ControlRoom__KeySha256"] = PartnerKeyRing.Hash(controlRoomKey);
        }

        if (parts.PhonePepper.Length > 0)
        {
            // Keys phone numbers in the tables (PhoneKeys__Pepper; a Key Vault secret in Azure). Data kept on disk is
            // keyed with it, so `up` keeps it next to that data.
            settings["PhoneKeys__Pepper"] = parts.PhonePepper;
        }

        if (parts.PagesSigningKey.Length > 0)
        {
            settings["Pages__SigningKey"] = parts.PagesSigningKey;
        }

        if (acknowledgeWithin is { } within)
        {
            settings["NightSafe__AcknowledgeWithin"] = within.ToString("c", c);
        }

        if (clockStart is { } start)
        {
            settings["NightSafe__ClockStart"] = start.ToString("yyyy-MM-dd'T'HH:mm:ss", c);
            if (clockStartsAt is { } at)
            {
                // The dev host's timers use the same offset: both clocks agree to the second.
                settings["NightSafe__ClockStartsAt"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", c);
            }
        }

        var i = 0;
        foreach (var (agency, key) in partnerKeys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            settings[string.Create(c, $"Partners__Keys__{i}__Agency")] = agency;
            settings[string.Create(c, $"Partners__Keys__{i}__Sha256")] = PartnerKeyRing.Hash(key);
            i++;
        }

        return settings;
    }
}
