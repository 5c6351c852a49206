namespace NightSafe.Core.World;

/// <summary>How urgently a referral needs attention; a higher value sorts first (<see cref="Urgent"/> above <see cref="High"/>).</summary>
public enum Priority
{
    Normal,
    High,

    /// <summary>A combination of concerns routing.json's <c>urgentWhen</c> names (e.g. spiking with an injury).</summary>
    Urgent,
}
