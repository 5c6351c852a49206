using System.Globalization;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.References;
using NightSafe.Core.World;

namespace NightSafe.Cli.Demo;

/// <summary>What a scripted text is, as the hub should take it.</summary>
public enum ScriptedKind
{
    Referral,
    Help,
    Status,
    Close,

    /// <summary>A member of the public replies STOP to an earlier advice text.</summary>
    OptOut,

    /// <summary>Someone not on the roster texts the number: a neutral reply and no powers.</summary>
    Public,

    /// <summary>A referral text without its concern: NightSafe asks, and the officer's next text completes it.</summary>
    Incomplete,
}

/// <summary>The referral an officer meant to make.</summary>
public sealed record IntendedReferral(string TownId, IReadOnlyList<string> Categories, Consent Consent, string? SubjectPhone);

/// <summary>
/// One text of the night. For <see cref="ScriptedKind.Status"/> and <see cref="ScriptedKind.Close"/> the body holds
/// <see cref="NightScript.ReferenceSlot"/>, filled with a reference the same night produced before it is sent.
/// </summary>
public sealed record ScriptedText(int Index, ScriptedKind Kind, string From, string Body, IntendedReferral? Intended)
{
    public bool IsOfficerText => Kind is ScriptedKind.Referral or ScriptedKind.Help or ScriptedKind.Status or ScriptedKind.Close or ScriptedKind.Incomplete;
}

/// <summary>A night's texts: officers across every town, in their own words, typos and all.</summary>
public sealed record NightPlan(IReadOnlyList<ScriptedText> OptOuts, IReadOnlyList<ScriptedText> Texts)
{
    /// <summary>The subjects' numbers that replied STOP before the night's referrals.</summary>
    public IReadOnlySet<string> OptedOutNumbers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Texts missing their concern, each with the officer's answer to NightSafe's question (a referral, checked like any
    /// other). They are sent after the busy part of the night, one officer at a time, so no other text of theirs comes
    /// between question and answer.
    /// </summary>
    public IReadOnlyList<(ScriptedText Question, ScriptedText Answer)> Conversations { get; init; } = [];
}

/// <summary>
/// Writes a believable busy night from routing.json and a seed (the same seed writes the same night): a mix of
/// categories (sometimes several), town names misspelt or abbreviated, UK numbers in odd formats, consent given, refused
/// or unstated, a few HELP/STATUS/CLOSE, the Twilio stand-in's scripted failure numbers, opt-outs and strangers.
/// </summary>
public static class NightScript
{
    public const string ReferenceSlot = "{ref}";

    /// <summary>The stand-in's scripted numbers: 21211 invalid, 21610 unsubscribed, 429 twice then OK, undelivered 30003.</summary>
    public const string InvalidNumber = "+447700900997";
    public const string UnsubscribedNumber = "+447700900998";
    public const string RateLimitedNumber = "+447700900999";
    public const string UndeliveredNumber = "+447700900996";

    private static readonly string[] OptOutNumbers = ["+447700900850", "+447700900851"];
    private static readonly string[] PublicNumbers = ["+447700900960", "+447700900961"];

    private static readonly (string Category, int Weight, string[] Phrases)[] CategoryPhrases =
    [
        ("intoxicated", 26, ["drunk", "very drunk", "intox", "paralytic", "wasted", "legless", "worse for wear", "intoxicted", "v drunk"]),
        ("alone", 14, ["alone", "on her own", "on his own", "lost her friends", "lost his friends", "separated from friends", "cant find friends", "by herself"]),
        ("spiking", 11, ["drink spiked", "spiked", "spikd drink", "thinks drink was spiked", "needle mark, thinks injected", "needled"]),
        ("disorder", 10, ["fight", "fighting", "aggressive", "kicking off", "scuffle", "brawl"]),
        ("injury", 10, ["head injury", "bleeding", "fell over, cut head", "injured ankle", "collapsed", "hurt"]),
        ("transport", 10, ["needs a lift home", "no way home", "missed last train", "needs taxi home", "stranded"]),
        ("sexual-harassment", 9, ["groped", "harassed", "harrased", "followed by a man", "unwanted touching", "flashing incident"]),
        ("domestic-abuse", 6, ["DA concern", "domestic", "dv victim", "coercive partner", "abusive boyfriend"]),
        ("perpetrator", 4, ["wants to change his behaviour", "perp programme", "wants help with behaviour"]),
    ];

    private static readonly Dictionary<string, string[]> TownSpellings = new(StringComparer.Ordinal)
    {
        ["chelmsford"] = ["Chelmsford", "chelmsford", "CHELMSFORD", "chelmsfrd", "chelms", "chelmo"],
        ["colchester"] = ["Colchester", "colchester", "Colchster", "colch", "Colch"],
        ["harlow"] = ["Harlow", "harlow", "harlo", "Harlow town"],
        ["grays"] = ["Grays", "grays", "Thurrock", "GRAYS"],
        ["basildon"] = ["Basildon", "basildon", "basil", "Basildn"],
        ["southend"] = ["Southend", "southend", "sthend", "sos", "southend on sea", "sarfend"],
        ["braintree"] = ["Braintree", "braintree", "Braintre", "BRAINTREE"],
    };

    private static readonly Dictionary<string, string[]> Places = new(StringComparer.Ordinal)
    {
        ["chelmsford"] = ["outside the station", "o/s Yates", "Moulsham St", "near Shire Hall", "at Bond St", "by Central Park"],
        ["colchester"] = ["o/s Wetherspoons High St", "Head St", "near Firstsite", "Crouch St", "by Castle Park"],
        ["harlow"] = ["by the Water Gardens", "at Rush nightclub", "outside the Square", "Broad Walk"],
        ["grays"] = ["Grays High St", "at State cinema", "outside the Bull", "near Orsett Rd"],
        ["basildon"] = ["outside Liquid", "at Towngate", "Club Vegas", "near Eastgate"],
        ["southend"] = ["near the pier", "by the Kursaal", "nr Adventure Island", "outside Chinnerys", "Lucy Rd"],
        ["braintree"] = ["near Market Sq", "at George Yard", "outside Bocking Arms", "Bank St"],
    };

    private static readonly string[] People = ["female 20s", "male 19", "female 18", "male 30s", "woman", "female", "male", "female 22", "lad 20", "male 40s"];

    private static readonly string[] ConsentGiven = ["consent y", "consent given", "consents", "c/y", "consent: yes", "consent yes", "consent Y", "(consent)"];
    private static readonly string[] ConsentRefused = ["no consent", "declined consent", "doesnt consent", "consent n", "c/n", "refused consent", "consent withheld", "did not consent"];
    private static readonly string[] HelpTexts = ["help", "HELP", "Help"];
    private static readonly string[] StatusTexts = ["STATUS {ref}", "status {ref-lower}", "Status: ref {ref}?", "staus {ref}"];
    private static readonly string[] CloseTexts = ["CLOSE {ref} taken home by taxi", "close {ref} - friend collected her", "Closed {ref}: handed to street pastors, all ok", "CLOSE {ref} family collected"];
    private static readonly string[] PublicTexts = ["hello is this the council?", "who is this"];

    // No town (the officer's rostered town is taken) and no concern (NightSafe asks); the answer names the concern.
    private static readonly (string Incomplete, string Answer, string[] Categories)[] Unfinished =
    [
        ("female 20s outside the station, shaken", "drunk", ["intoxicated"]),
        ("male 40s sat by the bus shelter", "2 7", ["intoxicated", "injury"]),
        ("young female near the taxi rank with us now", "spiking", ["spiking"]),
        ("female 19 by the war memorial", "lost her friends", ["alone"]),
    ];

    /// <summary>
    /// <paramref name="officerTexts"/> texts from rostered officers (the first is a HELP as the shift starts), plus a few
    /// from the public and the opt-outs that precede them.
    /// </summary>
    public static NightPlan Write(RoutingWorld world, int officerTexts, int seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentOutOfRangeException.ThrowIfLessThan(officerTexts, 12);
        if (world.OfficerRosterSeed.Count == 0)
        {
            throw new InvalidOperationException("routing.json has no officer roster seed: the demo needs officers to text.");
        }

        var random = new Random(seed);
        var officers = world.OfficerRosterSeed;
        var towns = world.Towns.Select(t => t.Id.Value).Where(TownSpellings.ContainsKey).ToList();

        // Which slots are not plain referrals: a HELP first, then commands spread through the night.
        var kinds = Enumerable.Repeat(ScriptedKind.Referral, officerTexts).ToArray();
        kinds[0] = ScriptedKind.Help;
        var quiet = officerTexts / 5;
        Place(kinds, ScriptedKind.Help, Math.Max(1, officerTexts / 60), quiet, random);
        Place(kinds, ScriptedKind.Status, Math.Max(3, officerTexts / 40), quiet, random);
        Place(kinds, ScriptedKind.Close, Math.Max(2, officerTexts / 50), quiet, random);

        // Subjects' numbers: the stand-in's failures and the opted-out numbers once each, in consenting referrals.
        var referralSlots = Enumerable.Range(0, officerTexts).Where(i => kinds[i] == ScriptedKind.Referral).ToList();
        string[] special = [InvalidNumber, InvalidNumber, UnsubscribedNumber, RateLimitedNumber, UndeliveredNumber, .. OptOutNumbers];
        var specialAt = referralSlots.OrderBy(_ => random.Next()).Take(special.Length).Zip(special).ToDictionary(p => p.First, p => p.Second);

        var texts = new List<ScriptedText>();
        var townTurn = 0;
        for (var i = 0; i < officerTexts; i++)
        {
            // Every town gets texts: officers mostly report their own town, sometimes a neighbour's.
            var townId = towns[townTurn++ % towns.Count];
            var onDuty = officers.Where(o => o.Town.Value == townId).ToList();
            var officer = onDuty.Count > 0 && random.Next(10) > 0 ? onDuty[random.Next(onDuty.Count)] : officers[random.Next(officers.Count)];
            texts.Add(kinds[i] switch
            {
                ScriptedKind.Help => new ScriptedText(i, ScriptedKind.Help, officer.Phone, Pick(HelpTexts, random), null),
                ScriptedKind.Status => new ScriptedText(i, ScriptedKind.Status, officer.Phone, Pick(StatusTexts, random), null),
                ScriptedKind.Close => new ScriptedText(i, ScriptedKind.Close, officer.Phone, Pick(CloseTexts, random), null),
                _ => Referral(i, officer.Phone, townId, specialAt.GetValueOrDefault(i), random),
            });
        }

        // Two strangers text the number during the night.
        for (var p = 0; p < PublicNumbers.Length; p++)
        {
            var at = (p + 1) * texts.Count / (PublicNumbers.Length + 1);
            texts.Insert(at, new ScriptedText(-1, ScriptedKind.Public, PublicNumbers[p], PublicTexts[p], null));
        }

        var numbered = texts.Select((t, i) => t with { Index = i }).ToList();
        var optOuts = OptOutNumbers.Select((n, i) => new ScriptedText(i, ScriptedKind.OptOut, n, i % 2 == 0 ? "STOP" : "stop", null)).ToList();
        var conversations = new List<(ScriptedText, ScriptedText)>();
        for (var c = 0; c < Math.Max(2, officerTexts / 50) && c < officers.Count; c++)
        {
            var officer = officers[c];
            var (incomplete, answer, categories) = Unfinished[c % Unfinished.Length];
            var index = numbered.Count + 2 * c;
            conversations.Add((
                new ScriptedText(index, ScriptedKind.Incomplete, officer.Phone, incomplete, null),
                new ScriptedText(index + 1, ScriptedKind.Referral, officer.Phone, answer, new IntendedReferral(officer.Town.Value, categories, Consent.NotStated, null))));
        }

        return new NightPlan(optOuts, numbered) { OptedOutNumbers = OptOutNumbers.ToHashSet(StringComparer.Ordinal), Conversations = conversations };
    }

    /// <summary>The body with the reference filled in (upper case, or lower case where the officer types it so).</summary>
    public static string Fill(string body, ReferenceCode reference)
    {
        ArgumentNullException.ThrowIfNull(body);
        var code = reference.ToString();
        return body.Replace("{ref-lower}", code.ToLowerInvariant(), StringComparison.Ordinal).Replace(ReferenceSlot, code, StringComparison.Ordinal);
    }

    /// <summary>A UK mobile written as officers write them: spaces, dashes, dots, brackets, +44, 0044.</summary>
    public static string Spell(string e164, int style)
    {
        ArgumentNullException.ThrowIfNull(e164);
        var national = e164[3..];
        var (a, b) = (national[..4], national[4..]);
        return (style % 10) switch
        {
            0 => $"0{a} {b}",
            1 => $"0{a}{b}",
            2 => $"+44 {a} {b}",
            3 => $"44{a}{b}",
            4 => $"(0{a}) {b[..3]} {b[3..]}",
            5 => $"0044 {a} {b[..3]} {b[3..]}",
            6 => $"0{a}-{b[..3]}-{b[3..]}",
            7 => $"0{a}.{b[..3]}.{b[3..]}",
            8 => $"+44 (0) {a} {b}",
            _ => $"mob 0{a} {b}",
        };
    }

    private static ScriptedText Referral(int index, string from, string townId, string? specialNumber, Random random)
    {
        var categories = new List<string> { WeightedCategory(random) };
        var extra = random.Next(100);
        for (var wanted = extra < 5 ? 3 : extra < 32 ? 2 : 1; categories.Count < wanted;)
        {
            var next = WeightedCategory(random);
            if (!categories.Contains(next) && Compatible(categories, next))
            {
                categories.Add(next);
            }
        }

        string? phone = specialNumber;
        if (phone is null && random.Next(100) < 60)
        {
            phone = string.Create(CultureInfo.InvariantCulture, $"+447700900{random.Next(200, 850):000}");
        }

        var consent = specialNumber is not null ? Consent.Given : Roll(random, phone is null ? (20, 30) : (65, 20));
        var townWord = Pick(TownSpellings[townId], random);
        var person = Pick(People, random);
        var phrases = categories.Select(c => Pick(CategoryPhrases.Single(p => p.Category == c).Phrases, random)).ToList();
        var place = Pick(Places[townId], random);
        var number = phone is null ? null : Spell(phone, random.Next(10));
        var consentWords = consent switch
        {
            Consent.Given => Pick(ConsentGiven, random),
            Consent.Refused => Pick(ConsentRefused, random),
            _ => null,
        };

        var what = string.Join(random.Next(2) == 0 ? ", " : " and ", phrases);
        var parts = random.Next(4) switch
        {
            0 => new[] { $"{townWord} {person} {what}", place, number, consentWords },
            1 => [$"{townWord} - {what}", person, place, number, consentWords],
            2 => [$"{townWord} {what}, {person}", place, number is null ? consentWords : $"{number} {consentWords}".TrimEnd()],
            _ => [$"{townWord}: {person}", what, place, consentWords, number],
        };
        var body = string.Join(", ", parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        if (random.Next(8) == 0)
        {
            body = body.ToUpperInvariant();
        }

        return new ScriptedText(index, ScriptedKind.Referral, from, body, new IntendedReferral(townId, categories, consent, phone));
    }

    // Domestic abuse and perpetrator referrals are about one person's situation: not mixed with each other.
    private static bool Compatible(List<string> chosen, string next) =>
        !(next is "domestic-abuse" or "perpetrator" && chosen.Any(c => c is "domestic-abuse" or "perpetrator"));

    private static string WeightedCategory(Random random)
    {
        var roll = random.Next(CategoryPhrases.Sum(c => c.Weight));
        foreach (var (category, weight, _) in CategoryPhrases)
        {
            if ((roll -= weight) < 0)
            {
                return category;
            }
        }

        return CategoryPhrases[0].Category;
    }

    private static Consent Roll(Random random, (int Given, int Refused) percent)
    {
        var roll = random.Next(100);
        return roll < percent.Given ? Consent.Given : roll < percent.Given + percent.Refused ? Consent.Refused : Consent.NotStated;
    }

    private static void Place(ScriptedKind[] kinds, ScriptedKind kind, int count, int notBefore, Random random)
    {
        for (var placed = 0; placed < count;)
        {
            var at = random.Next(notBefore, kinds.Length);
            if (kinds[at] == ScriptedKind.Referral)
            {
                kinds[at] = kind;
                placed++;
            }
        }
    }

    private static T Pick<T>(T[] items, Random random) => items[random.Next(items.Length)];
}
