using System.Collections.Frozen;

namespace NightSafe.Core.Intake.Parsing;

// The small closed word lists the parser reads with; the open vocabulary (towns, categories) comes from routing.json.
internal static class Words
{
    public static readonly FrozenSet<string> HelpWords = Set("help", "hlp", "halp", "info", "menu", "commands", "command", "instructions", "how");

    public static readonly FrozenSet<string> HelpTails = Set("me", "please", "pls", "plz", "menu", "commands", "info");

    public static readonly FrozenSet<string> StatusWords = Set("status", "stat", "stats", "sts", "staus", "statis", "satus");

    public static readonly FrozenSet<string> CloseWords = Set("close", "closed", "closing", "cls", "clse", "clsd", "clsoe", "colse");

    public static readonly FrozenSet<string> ReferenceFillers = Set(
        "ref", "reference", "refs", "no", "number", "num", "for", "of", "case", "referral", "code", "please", "pls", "plz", "on");

    public static readonly FrozenSet<string> ConsentWords = Set(
        "consent", "consents", "consented", "consenting", "concent", "concents", "concented", "consnt", "cnsnt", "consant", "consen", "consnet", "consetn");

    public static readonly FrozenSet<string> ConsentRefusedBefore = Set(
        "no", "not", "declined", "declines", "decline", "declining", "refused", "refuses", "refuse", "refusing", "doesnt", "didnt",
        "dont", "wont", "cant", "cannot", "without", "withheld", "withdrew", "withdrawn", "denied", "denies", "never", "nil", "zero");

    public static readonly FrozenSet<string> ConsentGivenBefore = Set("given", "gave", "gives", "has", "have", "with", "verbal", "full", "gives");

    public static readonly FrozenSet<string> ConsentLinkBefore = Set("to", "give", "any", "a", "the", "does", "did", "do", "is", "was", "her", "his", "their", "been", "has", "had");

    public static readonly FrozenSet<string> ConsentAuxiliaries = Set("does", "did", "do", "has", "had", "is", "was", "would", "will");

    public static readonly FrozenSet<string> ConsentLinkAfter = Set("is", "was", "been", "has");

    public static readonly FrozenSet<string> ConsentYes = Set("y", "yes", "yep", "yeah", "given", "ok", "okay", "obtained", "granted", "gained", "confirmed", "agreed", "true");

    public static readonly FrozenSet<string> ConsentNo = Set("n", "no", "not", "nope", "refused", "declined", "withheld", "withdrawn", "denied", "none", "nil", "x", "false");

    public static readonly FrozenSet<string> ConsentNoTail = Set("given", "obtained", "granted", "gained", "confirmed");

    public static readonly FrozenSet<string> ContactWords = Set(
        "text", "texts", "texted", "texting", "txt", "txts", "contact", "contacted", "contacting", "call", "called", "sms", "ring", "rung",
        "message", "messaged", "advice", "share", "shared", "pass", "passed", "number", "details", "follow", "followup", "info", "information", "engage",
        "referral", "help", "name", "talk", "speak", "bell", "anything");

    // Contact words that only refuse: "declined any help", "wouldnt give his name"; "wants help" (with his temper) and
    // "gave her name" say nothing of being contacted.
    public static readonly FrozenSet<string> RefusalOnlyContactWords = Set("help", "name", "anything");

    // Contact words that a plain wish does not make consent: "happy to talk to someone" agrees to contact, "wants to
    // talk to someone about stopping" says what he wants.
    public static readonly FrozenSet<string> ConsentedOnlyContactWords = Set("talk", "speak");

    public static readonly FrozenSet<string> Wishes = Set("wants", "want", "wanted", "like", "likes", "asked", "asks", "requested", "requests", "can");

    // Words that refuse contact when said alone before them ("no texts", "declined contact").
    public static readonly FrozenSet<string> RefusableContactWords = Set(
        "text", "texts", "texted", "texting", "txt", "txts", "contact", "contacted", "contacting", "sms", "advice", "follow", "followup", "engage",
        "referral", "help");

    public static readonly FrozenSet<string> ContactAgree = Set(
        "happy", "ok", "okay", "fine", "yes", "agreed", "agrees", "agree", "agreeing", "can", "wants", "want", "wanted", "willing",
        "permission", "keen", "content", "consents", "consented", "accepts", "accepted", "accepting", "welcomes", "like", "y", "likes", "glad",
        "asked", "asks", "requested", "requests", "yeah", "yep");

    public static readonly FrozenSet<string> ContactRefuse = Set(
        "not", "no", "doesnt", "dont", "didnt", "wont", "wouldnt", "never", "refused", "refuses", "refusing", "refuse", "declined", "declines",
        "declining", "decline", "unhappy", "nope", "without", "isnt", "wasnt", "against", "scared", "frightened", "afraid",
        "reluctant", "unwilling");

    public static readonly FrozenSet<string> RefusingVerbs = Set(
        "refused", "refuses", "refusing", "refuse", "declined", "declines", "declining", "decline", "wouldnt", "wont", "didnt", "doesnt");

    public static readonly FrozenSet<string> ContactRequests = Set("asked", "asks", "requested", "requests");

    public static readonly FrozenSet<string> ContactInformation = Set("info", "information", "advice", "details", "number", "name");

    public static readonly FrozenSet<string> ContactBreaks = Set("but", "and", "says", "said", "because", "cos", "so", "if");

    public static readonly FrozenSet<string> Negations = Set("no", "not", "nil", "isnt", "wasnt", "aint", "without", "denies", "denied", "never", "doesnt", "didnt", "dont", "nor");

    public static readonly FrozenSet<string> NegationLinks = Set("is", "was", "been", "be", "appear", "appears", "seem", "seems", "obviously", "visibly", "visible", "any", "very", "obvious", "apparent", "signs", "of", "sign");

    public static readonly FrozenSet<string> Intensifiers = Set(
        "very", "v", "really", "extremely", "totally", "heavily", "quite", "so", "super", "absolutely", "completely",
        "highly", "severely", "badly", "seriously", "well", "proper", "possibly", "possible", "poss", "suspected", "susp", "query",
        "potential", "likely", "maybe", "prob", "probably");

    // Everyday words one typo away from a vocabulary word: never "correct" them.
    public static readonly FrozenSet<string> NeverCorrected = Set(
        "bloody", "flight", "flights", "spice", "alive", "drive", "hello", "house", "horse", "night", "right", "light", "sight",
        "status", "close", "closed", "consent", "outside", "inside", "female", "males", "there", "where", "these", "those",
        "along", "blond", "blonde", "broke", "into", "needed", "spoke", "spine", "spite", "wanted", "waited", "washed", "waste",
        "cancelled", "growing", "grouped", "angel", "infection", "infected", "spicy", "harrow", "hallow", "bloke", "blokes", "shaken",
        "sober", "lives", "saying", "staying", "playing", "slipping", "stunning",
        // Common words one edit from a town or a lexicon word (found by running Debian's British English word list through
        // the corrector): each would change what a text says ("coach station" is not Colchester, a fright is not a fight).
        "coach", "couch", "southern", "fright", "dragged", "tipped", "smelling", "selling", "spelling", "stick", "stock",
        "struck", "shared", "stared", "shirt", "bother", "older", "world", "cold", "officer", "works", "tested", "testing",
        "writing", "wanting", "tired", "keep", "want", "take", "takes", "turn", "treat", "threats", "brake", "block",
        "blank", "bloom", "brood", "beast", "battle", "slipped", "snapped", "spied", "fond", "fund", "sand", "misled",
        "messed", "makes", "lease", "share", "trail", "tough", "torch", "widow", "violet", "feeding", "failing", "bring",
        "wait", "waits", "word", "woods", "throw", "throws", "tied", "stranger", "strangle", "broker", "cause", "causes");

    public static readonly FrozenSet<string> StreetSuffixes = Set(
        "st", "street", "rd", "road", "lane", "ln", "avenue", "ave", "square", "sq", "parade", "pde", "hill", "walk", "row",
        "place", "pl", "gardens", "gdns", "drive", "dr", "terrace", "crescent", "cres", "broadway", "precinct", "mall",
        "arcade", "quay", "wharf");

    public static readonly FrozenSet<string> PlaceNouns = Union(StreetSuffixes, Set("rank", "ranks", "office", "bay", "stand"));

    public static readonly FrozenSet<string> LocationStarts = Set(
        "outside", "outsde", "outide", "at", "near", "nr", "by", "opposite", "opp", "behind", "inside", "corner", "junction",
        "jct", "junc", "off", "next", "in", "on");

    public static readonly FrozenSet<string> LocationStops = Set(
        "with", "who", "and", "but", "because", "cos", "as", "she", "he", "they", "her", "his", "their", "him", "them", "male",
        "female", "man", "woman", "girl", "boy", "lad", "guy", "person", "people", "friend", "friends", "aged", "age",
        "wearing", "says", "said", "has", "is", "was", "appears", "seems", "very", "needs", "wants", "being", "been", "looks",
        "mate", "mates", "bloke", "lady", "gent", "m", "f", "yo", "yrs", "years", "approx", "about", "around", "possibly",
        "poss", "maybe", "please", "pls", "thanks", "ta", "then", "now", "currently", "ref", "tel", "mob", "phone", "number",
        "her's", "hers", "subject", "sub", "ip", "i", "we", "officer", "officers", "pc", "ps", "pcso");

    public static readonly FrozenSet<string> LocationTrailing = Set("the", "a", "of", "and", "to", "on", "at", "in", "by");

    public static readonly FrozenSet<string> PrepositionsBeforeTown = Set("in", "at", "from", "of", "near", "around", "round", "to", "nr");

    // Whose number it is when not the person's own: "her mums number", "friends no".
    public static readonly FrozenSet<string> OtherPeople = Set(
        "friend", "friends", "mate", "mates", "mum", "mums", "mother", "mothers", "dad", "dads", "father", "fathers", "sister",
        "sisters", "brother", "brothers", "boyfriend", "boyfriends", "girlfriend", "girlfriends", "partner", "partners", "husband",
        "husbands", "wife", "wifes", "aunt", "aunts", "auntie", "uncle", "uncles", "nan", "nans", "gran", "grans", "cousin",
        "cousins", "parent", "parents", "carer", "carers");

    public static readonly FrozenSet<string> PhoneLabels = Set(
        "tel", "tele", "telephone", "mob", "mobile", "phone", "ph", "number", "num", "no", "contact", "on", "cell", "nbr", "nmbr");

    public static readonly FrozenSet<string> LeadingConnectors = Set("and", "with", "also", "but", "plus", "pls", "please", "is", "has", "for", "so", "as");

    public static readonly FrozenSet<string> TrailingConnectors = Set(
        "and", "with", "in", "at", "on", "of", "from", "by", "to", "the", "a", "is", "has", "pls", "please", "but", "plus", "also", "for", "so", "very", "as", "needs", "need", "needing",
        "wants", "requires");

    public static readonly FrozenSet<string> Possessives = Set("her", "his", "their", "my", "a", "the", "our");

    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.Ordinal);

    private static FrozenSet<string> Union(FrozenSet<string> first, FrozenSet<string> second) =>
        first.Concat(second).ToFrozenSet(StringComparer.Ordinal);
}
