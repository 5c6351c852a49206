using NightSafe.Core.World;
using System.Globalization;
using System.Text;
using NightSafe.Core.Intake.Parsing;

namespace NightSafe.Core.Tests.Domain.Parsing;

/// <summary>One labelled officer text of Corpus/*.txt: what a control-room operator would read in it.</summary>
public sealed record LabelledText(int Line, string Town, IReadOnlySet<string> Categories, Consent Consent, string? Phone, string Text);

/// <summary>What the parser read in one labelled text, and where it differs from the label.</summary>
public sealed record Scored(LabelledText Label, string Town, IReadOnlySet<string> Categories, Consent Consent, string? Phone)
{
    public bool FullyRight =>
        Town == Label.Town && Categories.SetEquals(Label.Categories) && Consent == Label.Consent && Phone == Label.Phone;
}

/// <summary>
/// Scores the parser on a labelled corpus: texts fully right (town, every category, consent, phone) and per-category
/// precision and recall. A text naming no town is labelled "-" and must be read as taking the officer's rostered town.
/// </summary>
public sealed class CorpusEvaluation
{
    // The rostered town the evaluation gives every officer; a text labelled "-" must come back with it, from the roster.
    private const string RosterTown = "harlow";

    private CorpusEvaluation(IReadOnlyList<Scored> results) => Results = results;

    public IReadOnlyList<Scored> Results { get; }

    public double FullyRight => Results.Count(r => r.FullyRight) / (double)Results.Count;

    public static IReadOnlyList<LabelledText> Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Parsing", "Corpus", file);
        var texts = new List<LabelledText>();
        var lines = File.ReadAllLines(path);
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(" | ", 5);
            if (parts.Length != 5)
            {
                throw new InvalidOperationException($"{file}:{n + 1}: expected 'town | categories | consent | phone | text'");
            }

            var categories = parts[1] == "-" ? [] : parts[1].Split(',').ToHashSet(StringComparer.Ordinal);
            texts.Add(new LabelledText(n + 1, parts[0], categories, Enum.Parse<Consent>(parts[2]), parts[3] == "-" ? null : parts[3], parts[4]));
        }

        return texts;
    }

    public static CorpusEvaluation Run(OfficerTextParser parser, IReadOnlyList<LabelledText> texts)
    {
        ArgumentNullException.ThrowIfNull(parser);
        return new CorpusEvaluation(texts.Select(t => Score(parser, t)).ToList());
    }

    public IEnumerable<(string Category, int Support, double Precision, double Recall)> PerCategory(IEnumerable<string> categories)
    {
        foreach (var category in categories)
        {
            var truePositive = Results.Count(r => r.Label.Categories.Contains(category) && r.Categories.Contains(category));
            var predicted = Results.Count(r => r.Categories.Contains(category));
            var support = Results.Count(r => r.Label.Categories.Contains(category));
            yield return (category, support, predicted == 0 ? 1 : truePositive / (double)predicted, support == 0 ? 1 : truePositive / (double)support);
        }
    }

    public string Report(IEnumerable<string> categories, bool listMistakes)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{Results.Count} texts, {Results.Count(r => r.FullyRight)} fully right ({FullyRight:P1})");
        text.AppendLine(inv, $"town {Part(r => r.Town == r.Label.Town)}, categories {Part(r => r.Categories.SetEquals(r.Label.Categories))}, consent {Part(r => r.Consent == r.Label.Consent)}, phone {Part(r => r.Phone == r.Label.Phone)}");
        text.AppendLine("category            support precision recall");
        foreach (var (category, support, precision, recall) in PerCategory(categories))
        {
            text.AppendLine(inv, $"{category,-19} {support,7} {precision,9:P1} {recall,6:P1}");
        }

        if (listMistakes)
        {
            foreach (var r in Results.Where(r => !r.FullyRight))
            {
                text.AppendLine(inv, $"line {r.Label.Line}: read {r.Town} [{string.Join(',', r.Categories.Order(StringComparer.Ordinal))}] {r.Consent} {r.Phone ?? "-"}; labelled {r.Label.Town} [{string.Join(',', r.Label.Categories.Order(StringComparer.Ordinal))}] {r.Label.Consent} {r.Label.Phone ?? "-"}: {r.Label.Text}");
            }
        }

        return text.ToString();
    }

    private string Part(Func<Scored, bool> right) => (Results.Count(right) / (double)Results.Count).ToString("P1", CultureInfo.InvariantCulture);

    private static Scored Score(OfficerTextParser parser, LabelledText label)
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        switch (parser.Parse(label.Text, TownId.From(RosterTown)))
        {
            case ReferralRequest { Draft: var d }:
                return new Scored(label, d.TownFromRoster ? "-" : d.TownId.Value, d.CategoryIds.Values().ToHashSet(StringComparer.Ordinal), d.Consent, d.SubjectPhone);
            case NotUnderstood { Partial: { } p }:
                return new Scored(label, p.TownId?.Value ?? "-", p.CategoryIds.Values().ToHashSet(StringComparer.Ordinal), p.Consent, p.SubjectPhone);
            default:
                return new Scored(label, "?", none, Consent.NotStated, null);
        }
    }
}
