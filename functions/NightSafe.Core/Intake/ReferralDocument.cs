using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Phones;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>A referral as other systems send it (JSON to POST /api/referrals or the referrals-inbound queue).</summary>
public sealed record ReferralDocument
{
    /// <summary>Town id or name ("southend", "Southend-on-Sea").</summary>
    public string? Town { get; init; }

    /// <summary>Category ids from routing.json ("spiking", "alone").</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>A UK number in any common format; stored as E.164.</summary>
    public string? SubjectPhone { get; init; }

    /// <summary>"given", "refused" or "not-stated" (default).</summary>
    public string? Consent { get; init; }

    public string? Location { get; init; }

    public string? Description { get; init; }

    /// <summary>Who refers: an officer's collar number or the calling system's name.</summary>
    public string? Referrer { get; init; }
}

/// <summary>Checks a <see cref="ReferralDocument"/> and turns it into a submission, naming every invalid field.</summary>
public static class ReferralDocumentRules
{
    public const int MaxLocation = 200;
    public const int MaxDescription = 1000;
    public const int MaxReferrer = 64;
    public const int MaxCategories = 9;

    public static (ReferralSubmission? Submission, IReadOnlyDictionary<string, string[]> Errors) Check(
        ReferralDocument? document,
        ReferralSource source,
        string defaultReferrer,
        RoutingWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (document is null)
        {
            errors["body"] = ["A JSON object is required."];
            return (null, errors);
        }

        var town = string.IsNullOrWhiteSpace(document.Town) ? null : world.Towns.FirstOrDefault(t =>
            string.Equals(t.Id.Value, document.Town.Trim(), StringComparison.OrdinalIgnoreCase) ||
            string.Equals(t.Name, document.Town.Trim(), StringComparison.OrdinalIgnoreCase) ||
            t.Aliases.Contains(document.Town.Trim(), StringComparer.OrdinalIgnoreCase));
        if (town is null)
        {
            errors["town"] = [$"Required: one of {string.Join(", ", world.Towns.Select(t => t.Id))}."];
        }

        var categories = new List<CategoryId>();
        if (document.Categories is not { Count: > 0 } || document.Categories.Count > MaxCategories)
        {
            errors["categories"] = [$"Required: 1 to {MaxCategories} of {string.Join(", ", world.Categories.Select(c => c.Id))}."];
        }
        else
        {
            var unknown = new List<string>();
            foreach (var given in document.Categories)
            {
                var category = world.Categories.FirstOrDefault(c => string.Equals(c.Id.Value, given?.Trim(), StringComparison.OrdinalIgnoreCase));
                if (category is null)
                {
                    unknown.Add(given ?? "null");
                }
                else if (!categories.Contains(category.Id))
                {
                    categories.Add(category.Id);
                }
            }

            if (unknown.Count > 0)
            {
                errors["categories"] = [$"Unknown categories: {string.Join(", ", unknown.Select(u => u.Length > 32 ? u[..32] : u))}. Known: {string.Join(", ", world.Categories.Select(c => c.Id))}."];
            }
        }

        string? phone = null;
        if (!string.IsNullOrWhiteSpace(document.SubjectPhone) && !UkPhoneNumber.TryNormalise(document.SubjectPhone, out phone))
        {
            errors["subjectPhone"] = ["Not a valid UK phone number."];
        }

        Consent consent = Consent.NotStated;
        switch (document.Consent?.Trim().ToLowerInvariant())
        {
            case null or "" or "not-stated" or "notstated" or "unknown":
                break;
            case "given" or "yes" or "y" or "true":
                consent = Consent.Given;
                break;
            case "refused" or "no" or "n" or "false" or "declined":
                consent = Consent.Refused;
                break;
            default:
                errors["consent"] = ["One of: given, refused, not-stated."];
                break;
        }

        if (document.Location?.Length > MaxLocation)
        {
            errors["location"] = [$"At most {MaxLocation} characters."];
        }

        if (document.Description?.Length > MaxDescription)
        {
            errors["description"] = [$"At most {MaxDescription} characters."];
        }

        var referrer = string.IsNullOrWhiteSpace(document.Referrer) ? defaultReferrer : document.Referrer.Trim();
        if (referrer.Length > MaxReferrer || referrer.Any(char.IsControl))
        {
            errors["referrer"] = [$"At most {MaxReferrer} printable characters."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ReferralSubmission(
            source,
            town!.Id,
            categories,
            phone,
            consent,
            document.Location,
            document.Description,
            referrer,
            Actors.ExternalSystem(referrer)), errors);
    }
}
