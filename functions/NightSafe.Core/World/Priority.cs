namespace NightSafe.Core.World;

/// <summary>How urgently a category of referral needs attention; <see cref="High"/> sorts first.</summary>
public enum Priority
{
    Normal,
    High,
}
