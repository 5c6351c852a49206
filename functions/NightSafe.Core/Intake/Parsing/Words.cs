namespace NightSafe.Core.Intake.Parsing;

// The small closed word lists the parser reads with; the open vocabulary (towns, categories) comes from routing.json.
internal static class Words
{
    public static readonly HashSet<string> HelpWords = Set("help", "hlp", "halp", "info", "menu", "commands", "command", "instructions", "how");

    public static readonly HashSet<string> HelpTails = Set("me", "please", "pls", "plz", "menu", "commands", "info");

    public static readonly HashSet<string> StatusWords = Set("status", "stat", "stats", "sts", "staus", "statis", "satus");

    public static readonly HashSet<string> CloseWords = Set("close", "closed", "closing", "cls", "clse", "clsd", "clsoe", "colse");

    public static readonly HashSet<string> ReferenceFillers = Set(
        "ref", "reference", "refs", "no", "number", "num", "for", "of", "case", "referral", "code", "please", "pls", "plz", "on");

    public static readonly HashSet<string> ConsentWords = Set(
        "consent", "consents", "consented", "consenting", "concent", "concents", "concented", "consnt", "cnsnt", "consant", "consen", "consnet", "consetn");

    public static readonly HashSet<string> ConsentRefusedBefore = Set(
        "no", "not", "declined", "declines", "decline", "declining", "refused", "refuses", "refuse", "refusing", "doesnt", "didnt",
        "dont", "wont", "cant", "cannot", "without", "withheld", "withdrew", "withdrawn", "denied", "denies", "never", "nil", "zero");

    public static readonly HashSet<string> ConsentGivenBefore = Set("given", "gave", "gives", "has", "have", "with", "verbal", "full", "gives");

    public static readonly HashSet<string> ConsentLinkBefore = Set("to", "give", "any", "a", "the", "does", "did", "do", "is", "was", "her", "his", "their", "been", "has", "had");

    public static readonly HashSet<string> ConsentAuxiliaries = Set("does", "did", "do", "has", "had", "is", "was", "would", "will");

    public static readonly HashSet<string> ConsentLinkAfter = Set("is", "was", "been", "has");

    public static readonly HashSet<string> ConsentYes = Set("y", "yes", "yep", "yeah", "given", "ok", "okay", "obtained", "granted", "gained", "confirmed", "agreed", "true");

    public static readonly HashSet<string> ConsentNo = Set("n", "no", "not", "nope", "refused", "declined", "withheld", "withdrawn", "denied", "none", "nil", "x", "false");

    public static readonly HashSet<string> ConsentNoTail = Set("given", "obtained", "granted", "gained", "confirmed");

    public static readonly HashSet<string> Negations = Set("no", "not", "nil", "isnt", "wasnt", "aint", "without", "denies", "denied", "never", "doesnt", "didnt", "dont", "nor");

    public static readonly HashSet<string> NegationLinks = Set("is", "was", "been", "be", "appear", "appears", "seem", "seems", "obviously", "visibly", "visible", "any", "very", "obvious", "apparent", "signs", "of", "sign");

    public static readonly HashSet<string> Intensifiers = Set(
        "very", "v", "really", "extremely", "totally", "heavily", "quite", "so", "super", "absolutely", "completely",
        "highly", "severely", "badly", "seriously", "well", "proper", "possibly", "possible", "poss", "suspected", "susp", "query",
        "potential", "likely", "maybe", "prob", "probably");

    // Everyday words one typo away from a vocabulary word: never "correct" them.
    public static readonly HashSet<string> NeverCorrected = Set(
        "bloody", "flight", "flights", "spice", "alive", "drive", "hello", "house", "horse", "night", "right", "light", "sight",
        "status", "close", "closed", "consent", "outside", "inside", "female", "males", "there", "where", "these", "those",
        "along", "blond", "blonde", "broke", "into", "needed", "spoke", "spine", "spite", "wanted", "waited", "washed", "waste",
        "cancelled", "growing", "grouped", "angel", "infection", "infected", "spicy", "harrow", "hallow");

    public static readonly HashSet<string> StreetSuffixes = Set(
        "st", "street", "rd", "road", "lane", "ln", "avenue", "ave", "square", "sq", "parade", "pde", "hill", "walk", "row",
        "place", "pl", "gardens", "gdns", "drive", "dr", "terrace", "crescent", "cres", "broadway", "precinct", "mall",
        "arcade", "quay", "wharf");

    public static readonly HashSet<string> PlaceNouns = Union(StreetSuffixes, Set("rank", "ranks", "office", "bay", "stand"));

    public static readonly HashSet<string> LocationStarts = Set(
        "outside", "outsde", "outide", "at", "near", "nr", "by", "opposite", "opp", "behind", "inside", "corner", "junction",
        "jct", "junc", "off", "next", "in", "on");

    public static readonly HashSet<string> LocationStops = Set(
        "with", "who", "and", "but", "because", "cos", "as", "she", "he", "they", "her", "his", "their", "him", "them", "male",
        "female", "man", "woman", "girl", "boy", "lad", "guy", "person", "people", "friend", "friends", "aged", "age",
        "wearing", "says", "said", "has", "is", "was", "appears", "seems", "very", "needs", "wants", "being", "been", "looks",
        "mate", "mates", "bloke", "lady", "gent", "m", "f", "yo", "yrs", "years", "approx", "about", "around", "possibly",
        "poss", "maybe", "please", "pls", "thanks", "ta", "then", "now", "currently", "ref", "tel", "mob", "phone", "number",
        "her's", "hers", "subject", "sub", "ip", "i", "we", "officer", "officers", "pc", "ps", "pcso");

    public static readonly HashSet<string> LocationTrailing = Set("the", "a", "of", "and", "to", "on", "at", "in", "by");

    public static readonly HashSet<string> PrepositionsBeforeTown = Set("in", "at", "from", "of", "near", "around", "round", "to", "nr");

    public static readonly HashSet<string> PhoneLabels = Set(
        "tel", "tele", "telephone", "mob", "mobile", "phone", "ph", "number", "num", "no", "contact", "on", "cell", "nbr", "nmbr");

    public static readonly HashSet<string> LeadingConnectors = Set("and", "with", "also", "but", "plus", "pls", "please", "is", "has", "for", "so", "as");

    public static readonly HashSet<string> TrailingConnectors = Set(
        "and", "with", "in", "at", "on", "of", "from", "by", "to", "the", "a", "is", "has", "pls", "please", "but", "plus", "also", "for", "so", "very", "as", "needs", "need", "needing",
        "wants", "requires");

    public static readonly HashSet<string> Possessives = Set("her", "his", "their", "my", "a", "the", "our");

    private static HashSet<string> Set(params string[] words) => new(words, StringComparer.Ordinal);

    private static HashSet<string> Union(HashSet<string> first, HashSet<string> second) => [.. first, .. second];
}
