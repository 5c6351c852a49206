using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake;

/// <summary>
/// The one short numbered question NightSafe asks when a referral text lacks its town or its concern, and how the
/// officer's answer ("2", "colch", "spiking", "2 7") completes the waiting referral.
/// </summary>
public sealed class OfficerQuestions
{
    private readonly RoutingWorld _world;
    private readonly string _town;
    private readonly string _category;

    public OfficerQuestions(RoutingWorld world)
    {
        _world = world ?? throw new ArgumentNullException(nameof(world));
        var towns = string.Join(' ', world.Towns.Select((t, i) => $"{i + 1} {t.Name}"));
        var concerns = string.Join(' ', world.Categories.Select((c, i) => $"{i + 1} {ShortName(c)}"));
        _town = Fit($"NightSafe: which town? {towns}. Reply with the number or the name.");
        _category = Fit($"NightSafe: what is the concern? {concerns}. Reply with the number(s) or in words.");
    }

    /// <summary>The question for a missing part (<see cref="MissingParts.Town"/> or <see cref="MissingParts.Category"/>).</summary>
    public string Ask(string part) => part == MissingParts.Town ? _town : _category;

    /// <summary>What a referral text gave, in the form a waiting referral is kept in; null when it was not one.</summary>
    public static PartialReferral? Given(OfficerMessage message) => message switch
    {
        ReferralRequest { Draft: var d } => new PartialReferral(
            d.TownFromRoster ? null : d.TownId, d.CategoryIds, d.SubjectPhone, d.Consent, d.Location, d.Description, d.UnreadablePhone),
        NotUnderstood { Partial: { } p } => p,
        _ => null,
    };

    /// <summary>
    /// The waiting referral with the officer's answer to <paramref name="asked"/> added: a number (or numbers, for
    /// concerns) picks from the question's list; anything else is read as a text (a town, concerns, a number, consent).
    /// </summary>
    public PartialReferral Complete(PartialReferral pending, string asked, string body, OfficerMessage parsed)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (Numbers(body) is { Count: > 0 } picks)
        {
            if (asked == MissingParts.Town && picks.Count == 1 && picks[0] <= _world.Towns.Count)
            {
                return pending with { TownId = _world.Towns[picks[0] - 1].Id };
            }

            if (asked == MissingParts.Category && picks.All(p => p <= _world.Categories.Count))
            {
                return pending with { CategoryIds = Ordered(pending.CategoryIds.Concat(picks.Select(p => _world.Categories[p - 1].Id))) };
            }

            return pending;
        }

        if (Given(parsed) is not { } answer)
        {
            return pending;
        }

        return new PartialReferral(
            pending.TownId ?? answer.TownId,
            Ordered(pending.CategoryIds.Concat(answer.CategoryIds)),
            answer.SubjectPhone ?? pending.SubjectPhone,
            answer.Consent != Consent.NotStated ? answer.Consent : pending.Consent,
            pending.Location ?? answer.Location,
            Join(pending.Description, answer.Description),
            pending.UnreadablePhone || answer.UnreadablePhone);
    }

    /// <summary>"2", "2 7", "2,7", "2 and 7": the numbers picked (1-based), or null when the text is not only numbers.</summary>
    public static List<int>? Numbers(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var picks = new List<int>();
        var value = -1;
        foreach (var part in body.Split([' ', ',', '+', '&', '.', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (part.Length > 2 || !int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) || value < 1)
            {
                return null;
            }

            picks.Add(value);
        }

        return picks.Count > 0 ? picks : null;
    }

    private List<CategoryId> Ordered(IEnumerable<CategoryId> categories)
    {
        var set = categories.ToHashSet();
        return _world.Categories.Select(c => c.Id).Where(set.Contains).ToList();
    }

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}, {second}";

    private static string ShortName(Category category) => category.Synonyms.Count > 0 ? category.Synonyms[0] : category.Id.Value;

    private static string Fit(string text) => SmsText.Truncate(SmsText.ToGsm7(text), OfficerReplies.MaxSegments);
}
