using NightSafe.Core.Intake.Parsing;

namespace NightSafe.Core.Tests.Domain.Parsing;

public sealed class OptOutKeywordsTests
{
    [Theory]
    [InlineData("STOP", OptOutIntent.OptOut)]
    [InlineData("stop", OptOutIntent.OptOut)]
    [InlineData(" Stop. ", OptOutIntent.OptOut)]
    [InlineData("STOPALL", OptOutIntent.OptOut)]
    [InlineData("unsubscribe", OptOutIntent.OptOut)]
    [InlineData("CANCEL", OptOutIntent.OptOut)]
    [InlineData("END", OptOutIntent.OptOut)]
    [InlineData("QUIT", OptOutIntent.OptOut)]
    [InlineData("REVOKE", OptOutIntent.OptOut)]
    [InlineData("OPTOUT", OptOutIntent.OptOut)]
    [InlineData("START", OptOutIntent.OptIn)]
    [InlineData("yes", OptOutIntent.OptIn)]
    [InlineData("UNSTOP", OptOutIntent.OptIn)]
    [InlineData("HELP", OptOutIntent.Help)]
    [InlineData("info!", OptOutIntent.Help)]
    [InlineData("stop please", OptOutIntent.None)]
    [InlineData("don't stop", OptOutIntent.None)]
    [InlineData("thanks", OptOutIntent.None)]
    [InlineData("", OptOutIntent.None)]
    [InlineData(null, OptOutIntent.None)]
    public void Only_a_keyword_alone_counts(string? text, OptOutIntent intent)
    {
        Assert.Equal(intent, OptOutKeywords.Classify(text));
    }
}
