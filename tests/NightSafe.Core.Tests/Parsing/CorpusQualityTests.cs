using NightSafe.Core.World;
using NightSafe.Core.Intake.Parsing;
using Xunit.Abstractions;

namespace NightSafe.Core.Tests.Domain.Parsing;

/// <summary>
/// How well officer texts are read, on the labelled corpus (Corpus/*.txt). The bar, on the held-out part (held-out.txt,
/// never used to tune the lexicons): at least 95% of texts fully right and every category's recall at least 90%. The
/// tuning part is tuning.txt and the first and third to eighth held-out sets (held-out until their one blind run; the
/// last six were written by people who had seen neither the parser nor any corpus, each before tuning on it: the third
/// scored 83.3%, the fourth 89.2%, the fifth 85.0%, the sixth 75.0%, the seventh 81.7%, the eighth 78.3%). Print the tables with:
/// dotnet test tests/NightSafe.Core.Tests --filter "FullyQualifiedName~CorpusQualityTests" --logger "console;verbosity=detailed"
/// </summary>
public sealed class CorpusQualityTests(ITestOutputHelper output)
{
    private const double FullyRightBar = 0.95;
    private const double RecallBar = 0.90;

    private static readonly OfficerTextParser Parser = new(TestWorld.Real);

    private static IEnumerable<string> Categories => TestWorld.Real.Categories.Select(c => c.Id.Value);

    [Fact]
    public void The_corpus_has_at_least_400_texts_and_a_held_out_part_of_at_least_100()
    {
        var heldOut = CorpusEvaluation.Load("held-out.txt");
        var tuning = TuningTexts();
        Assert.True(heldOut.Count + tuning.Count >= 400, $"{heldOut.Count + tuning.Count} texts");
        Assert.True(heldOut.Count >= 100, $"{heldOut.Count} held-out texts");
        Assert.Empty(heldOut.Select(t => t.Text).Intersect(tuning.Select(t => t.Text), StringComparer.OrdinalIgnoreCase));
        Assert.All(heldOut.Concat(tuning), t => Assert.All(t.Categories, c => Assert.NotNull(TestWorld.Real.FindCategory(CategoryId.From(c)))));
    }

    [Fact]
    public void Held_out_texts_are_read_fully_right_at_least_95_percent_with_every_category_recall_at_least_90_percent()
    {
        var evaluation = CorpusEvaluation.Run(Parser, CorpusEvaluation.Load("held-out.txt"));
        output.WriteLine("HELD-OUT");
        output.WriteLine(evaluation.Report(Categories, listMistakes: true));
        Assert.True(evaluation.FullyRight >= FullyRightBar, $"{evaluation.FullyRight:P1} fully right");
        Assert.All(evaluation.PerCategory(Categories), c => Assert.True(c.Recall >= RecallBar, $"{c.Category} recall {c.Recall:P1}"));
    }

    [Fact]
    public void Tuning_texts_are_read_fully_right_at_least_95_percent_with_every_category_recall_at_least_90_percent()
    {
        var evaluation = CorpusEvaluation.Run(Parser, TuningTexts());
        output.WriteLine("TUNING");
        output.WriteLine(evaluation.Report(Categories, listMistakes: true));
        Assert.True(evaluation.FullyRight >= FullyRightBar, $"{evaluation.FullyRight:P1} fully right");
        Assert.All(evaluation.PerCategory(Categories), c => Assert.True(c.Recall >= RecallBar, $"{c.Category} recall {c.Recall:P1}"));
    }

    private static List<LabelledText> TuningTexts() =>
        [.. CorpusEvaluation.Load("tuning.txt"), .. CorpusEvaluation.Load("first-held-out.txt"), .. CorpusEvaluation.Load("third-held-out.txt"), .. CorpusEvaluation.Load("fourth-held-out.txt"), .. CorpusEvaluation.Load("fifth-held-out.txt"), .. CorpusEvaluation.Load("sixth-held-out.txt"), .. CorpusEvaluation.Load("seventh-held-out.txt"), .. CorpusEvaluation.Load("eighth-held-out.txt")];
}
