using Microsoft.Extensions.Options;
using Twilio.Security;

namespace NightSafe.Integrations.Twilio;

/// <summary>
/// Checks X-Twilio-Signature with the SDK's RequestValidator (HMAC-SHA1 of the URL and every form field, compared in
/// constant time). The URL must be the public one Twilio called, which the worker does not always see.
/// </summary>
public sealed class TwilioWebhookValidator(IOptions<TwilioOptions> options)
{
    private readonly RequestValidator _validator = new(options?.Value.AuthToken ?? throw new ArgumentNullException(nameof(options)));

    public bool Validate(Uri publicUrl, IReadOnlyDictionary<string, string> form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrEmpty(signature) || !publicUrl.IsAbsoluteUri)
        {
            return false;
        }

        return _validator.Validate(publicUrl.OriginalString, form.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), signature);
    }
}
