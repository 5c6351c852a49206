namespace NightSafe.Core.Intake.Parsing;

/// <summary>Edit distance for typos: insertions, deletions, substitutions and swapped neighbours each cost one.</summary>
internal static class TextDistance
{
    private const int LongestWord = 40;

    /// <summary>The optimal-string-alignment distance, or <paramref name="max"/> + 1 as soon as it must exceed max.</summary>
    public static int Within(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max || a.Length > LongestWord || b.Length > LongestWord)
        {
            return max + 1;
        }

        Span<int> before = stackalloc int[b.Length + 1];
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowBest = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, before[j - 2] + 1);
                }

                current[j] = value;
                rowBest = Math.Min(rowBest, value);
            }

            if (rowBest > max)
            {
                return max + 1;
            }

            var spare = before;
            before = previous;
            previous = current;
            current = spare;
        }

        return Math.Min(previous[b.Length], max + 1);
    }
}
