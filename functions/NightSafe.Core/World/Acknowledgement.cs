namespace NightSafe.Core.World;

/// <summary>
/// How long an agency has to accept a case, by the referral's priority (routing.json <c>acknowledgement</c>, in
/// minutes). Deadlines are elapsed time from the moment the case was disclosed, so a clock change in the night
/// neither shortens nor lengthens them.
/// </summary>
public sealed record Acknowledgement(TimeSpan Urgent, TimeSpan High, TimeSpan Normal)
{
    public TimeSpan For(Priority priority) => priority switch
    {
        Priority.Urgent => Urgent,
        Priority.High => High,
        _ => Normal,
    };

    /// <summary>The same deadline for every priority (short deadlines for tests and the demo).</summary>
    public static Acknowledgement Uniform(TimeSpan within) => new(within, within, within);
}
