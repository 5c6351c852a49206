using NightSafe.Core.World;

namespace NightSafe.Core.Advice;

/// <summary>Chooses the one advice SMS a referred person receives: the highest-priority category's, ties by routing.json order.</summary>
public sealed class AdviceTemplates(RoutingWorld world)
{
    private readonly RoutingWorld _world = world ?? throw new ArgumentNullException(nameof(world));

    /// <summary>The advice text for these categories; unknown ids are ignored.</summary>
    /// <exception cref="ArgumentException">None of the ids is a category in the world.</exception>
    public string For(IReadOnlyCollection<CategoryId> categoryIds) =>
        Choose(categoryIds)?.Advice
        ?? throw new ArgumentException("None of the category ids is a category in routing.json.", nameof(categoryIds));

    /// <summary>The category whose advice <see cref="For"/> sends, or null when none is known.</summary>
    public Category? Choose(IReadOnlyCollection<CategoryId> categoryIds)
    {
        ArgumentNullException.ThrowIfNull(categoryIds);
        Category? chosen = null;
        foreach (var category in _world.Categories)
        {
            // Categories are walked in routing.json order, so the first of the highest priority wins a tie.
            if (categoryIds.Contains(category.Id) && (chosen is null || category.Priority > chosen.Priority))
            {
                chosen = category;
            }
        }

        return chosen;
    }
}
