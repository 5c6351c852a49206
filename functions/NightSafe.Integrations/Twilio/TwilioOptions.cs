using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace NightSafe.Integrations.Twilio;

/// <summary>Settings of section "Twilio": the account, the sender, where the API is, and how hard to retry.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    [Required(ErrorMessage = "Twilio:AccountSid is required: the account SID, AC followed by 32 hex digits.")]
    [RegularExpression("^AC[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:AccountSid must be AC followed by 32 hex digits.")]
    public string AccountSid { get; set; } = string.Empty;

    [Required(ErrorMessage = "Twilio:AuthToken is required: the account's auth token (Key Vault in Azure).")]
    public string AuthToken { get; set; } = string.Empty;

    /// <summary>The sending number in E.164; set this or <see cref="MessagingServiceSid"/>, not both.</summary>
    [RegularExpression(@"^\+[1-9][0-9]{7,14}$", ErrorMessage = "Twilio:From must be a number in E.164 form, such as +447700900000.")]
    public string? From { get; set; }

    /// <summary>A Messaging Service (MG…) that picks the sender; set this or <see cref="From"/>, not both.</summary>
    [RegularExpression("^MG[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:MessagingServiceSid must be MG followed by 32 hex digits.")]
    public string? MessagingServiceSid { get; set; }

    /// <summary>Where the API is when it is not Twilio's own (a local stand-in); null in production.</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>Attempts per request, the first included: for a send only on 429 and connections never made; for a read on any transient failure.</summary>
    [Range(1, 10, ErrorMessage = "Twilio:MaxAttempts must be between 1 and 10.")]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; later ones grow exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Twilio:RetryBaseDelay must be between 0 and 1 minute.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, a Retry-After from Twilio included.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Twilio:RetryMaxDelay must be between 0 and 5 minutes.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one attempt may take before it counts as failed (a send that timed out is reconciled, not repeated).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:02:00", ErrorMessage = "Twilio:AttemptTimeout must be between 10 ms and 2 minutes.")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The rules of <see cref="TwilioOptions"/> that involve more than one setting.</summary>
public sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasFrom = !string.IsNullOrWhiteSpace(options.From);
        var hasService = !string.IsNullOrWhiteSpace(options.MessagingServiceSid);
        if (hasFrom == hasService)
        {
            failures.Add(hasFrom
                ? "Twilio:From and Twilio:MessagingServiceSid are both set: set exactly one of them."
                : "Twilio:From or Twilio:MessagingServiceSid is required: the sender number (E.164) or the Messaging Service (MG…).");
        }

        if (options.ApiBaseUrl is { } api && (!api.IsAbsoluteUri || api.Scheme is not ("http" or "https")))
        {
            failures.Add("Twilio:ApiBaseUrl must be an absolute http(s) URL, such as http://127.0.0.1:5099/.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add("Twilio:RetryMaxDelay must not be shorter than Twilio:RetryBaseDelay.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
