namespace NightSafe.Core.World;

/// <summary>A town centre NightSafe covers; officers may name it by <see cref="Name"/>, <see cref="Id"/> or an alias.</summary>
public sealed record Town(TownId Id, string Name, IReadOnlyList<string> Aliases, string Council);
