namespace NightSafe.Core.World;

/// <summary>routing.json could not be read or breaks a rule; <see cref="Problems"/> lists every problem found.</summary>
public sealed class RoutingWorldException : Exception
{
    public RoutingWorldException()
        : this([])
    {
    }

    public RoutingWorldException(string message)
        : this([message])
    {
    }

    public RoutingWorldException(string message, Exception innerException)
        : base(message, innerException) => Problems = [message];

    public RoutingWorldException(IReadOnlyList<string> problems)
        : base(Describe(problems)) => Problems = problems;

    public IReadOnlyList<string> Problems { get; } = [];

    private static string Describe(IReadOnlyList<string> problems) =>
        problems.Count == 0
            ? "routing.json is not valid."
            : $"routing.json has {problems.Count} problem(s):{Environment.NewLine} - {string.Join(Environment.NewLine + " - ", problems)}";
}
