using NightSafe.Core.References;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Intake.Parsing;

/// <summary>The replies for texts that cannot be used: what was missing and an example, GSM-7, at most 2 segments.</summary>
internal sealed class ParserReplies
{
    private const int MaxSegments = 2;
    private const string ExampleReference = "7KQ2MX";

    private readonly string _both;
    private readonly string _town;
    private readonly string _category;
    private readonly string _status;
    private readonly string _closeReference;

    public ParserReplies(RoutingWorld world)
    {
        var town = world.Towns.Count > 0 ? world.Towns[0].Name : "Town";
        var words = world.Categories.Select(c => c.Synonyms.Count > 0 ? c.Synonyms[0] : c.Id.Value).ToList();
        var concerns = words.Count >= 2 ? $"{words[0]}, {words[1]}" : words.FirstOrDefault() ?? "drunk";
        Example = Fit($"{town} female {concerns}, outside the station, 07700 900123, consent y");

        var towns = string.Join(", ", world.Towns.Select(t => t.Name));
        _both = Fit($"NightSafe: not understood. Send the town, what is wrong and where, e.g. {Example}. Or STATUS or CLOSE and the ref, or HELP.");
        _town = Fit($"NightSafe: which town? One of {towns}. e.g. {Example}");
        _category = Fit($"NightSafe: what is the concern? e.g. {string.Join(", ", words)}. e.g. {Example}");
        _status = Fit($"NightSafe: send STATUS and the 6-character reference, e.g. STATUS {ExampleReference}");
        _closeReference = Fit($"NightSafe: send CLOSE, the 6-character reference and the outcome, e.g. CLOSE {ExampleReference} taken home by taxi");
    }

    public string Example { get; }

    public NotUnderstood NothingUnderstood() => new([MissingParts.Town, MissingParts.Category], _both);

    public NotUnderstood Missing(IReadOnlyList<string> missing) =>
        new(missing, missing.Count > 1 ? _both : missing[0] == MissingParts.Town ? _town : _category);

    public NotUnderstood StatusWithoutReference() => new([MissingParts.Reference], _status);

    public NotUnderstood CloseWithoutReference() => new([MissingParts.Reference], _closeReference);

    public static NotUnderstood AddWithoutText(ReferenceCode code) =>
        new([MissingParts.Outcome], Fit($"NightSafe: add what to tell partners after the reference, e.g. ADD {code} now with friends"));

    public static NotUnderstood CloseWithoutOutcome(ReferenceCode code) =>
        new([MissingParts.Outcome], Fit($"NightSafe: add the outcome after the reference, e.g. CLOSE {code} taken home by taxi"));

    private static string Fit(string text) => SmsText.Truncate(SmsText.ToGsm7(text), MaxSegments);
}
