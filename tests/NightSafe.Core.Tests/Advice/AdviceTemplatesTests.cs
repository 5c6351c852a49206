using NightSafe.Core.World;
using NightSafe.Core.Advice;

namespace NightSafe.Core.Tests.Domain.Advice;

public sealed class AdviceTemplatesTests
{
    private readonly AdviceTemplates _templates = new(TestWorld.Real);

    private static string AdviceOf(string id) => TestWorld.Real.FindCategory(CategoryId.From(id))!.Advice;

    [Theory]
    [InlineData(new[] { "alone" }, "alone")]
    [InlineData(new[] { "alone", "spiking" }, "spiking")]                   // high beats normal
    [InlineData(new[] { "transport", "intoxicated" }, "intoxicated")]       // tie: routing.json order
    [InlineData(new[] { "disorder", "injury", "spiking" }, "spiking")]      // tie among high: routing.json order
    [InlineData(new[] { "perpetrator", "domestic-abuse" }, "domestic-abuse")]
    [InlineData(new[] { "nonsense", "transport" }, "transport")]            // unknown ids are ignored
    public void The_highest_priority_category_wins_and_ties_go_by_routing_json_order(string[] categories, string expected)
    {
        Assert.Equal(AdviceOf(expected), _templates.For(categories.As<CategoryId>()));
        Assert.Equal(expected, _templates.Choose(categories.As<CategoryId>())?.Id.Value);
    }

    [Fact]
    public void No_known_category_has_no_advice()
    {
        Assert.Throws<ArgumentException>(() => _templates.For([new CategoryId("nonsense")]));
        Assert.Null(_templates.Choose([]));
    }
}
