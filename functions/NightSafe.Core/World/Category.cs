namespace NightSafe.Core.World;

/// <summary>
/// A kind of concern (stable id), the words officers use for it and the advice SMS its subject receives.
/// <see cref="Synonyms"/> are phrases; a word written "a/b/c" stands for any of its alternatives ("boyfriend/partner
/// hit/punched" is six phrases). <see cref="Excludes"/> are phrases that contain a synonym but do not name the concern
/// ("leave her alone"): the words they cover are never read as this or any category. A text read as this concern is
/// not also read as one it <see cref="Supersedes"/> (someone asking for help with their own abuse: the abuse words in
/// the text are theirs).
/// </summary>
public sealed record Category(CategoryId Id, string Name, Priority Priority, IReadOnlyList<string> Synonyms, string Advice)
{
    public IReadOnlyList<string> Excludes { get; init; } = [];

    public IReadOnlyList<CategoryId> Supersedes { get; init; } = [];
}
