using NightSafe.Core.Ports;

namespace NightSafe.Integrations.Storage;

/// <summary>The roster as stored (the Officers table), uncached: what <see cref="CachedOfficerRoster"/> reads through.</summary>
public interface IStoredOfficerRoster : IOfficerRoster, IRosterDirectory;
