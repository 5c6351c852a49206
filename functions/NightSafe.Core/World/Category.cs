namespace NightSafe.Core.World;

/// <summary>A kind of concern (stable id), the words officers use for it and the advice SMS its subject receives.</summary>
public sealed record Category(string Id, string Name, Priority Priority, IReadOnlyList<string> Synonyms, string Advice);
