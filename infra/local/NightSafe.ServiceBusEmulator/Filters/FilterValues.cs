namespace NightSafe.ServiceBusEmulator.Filters;

/// <summary>Value rules shared by the filters: numbers compare by value whatever their CLR type.</summary>
internal static class FilterValues
{
    public static bool AreEqual(object? left, object? right) => Compare(left, right) == 0;

    /// <summary>Negative, zero or positive; null when the values cannot be compared (SQL's unknown).</summary>
    public static int? Compare(object? left, object? right)
    {
        if (left is null || right is null)
        {
            return null;
        }

        if (IsNumber(left) && IsNumber(right))
        {
            if (IsIntegral(left) && IsIntegral(right))
            {
                return Convert.ToInt64(left, System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(Convert.ToInt64(right, System.Globalization.CultureInfo.InvariantCulture));
            }

            return ToDouble(left).CompareTo(ToDouble(right));
        }

        return (left, right) switch
        {
            (string a, string b) => string.CompareOrdinal(a, b),
            (bool a, bool b) => a.CompareTo(b),
            (DateTime a, DateTime b) => a.ToUniversalTime().CompareTo(b.ToUniversalTime()),
            (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
            (DateTime a, DateTimeOffset b) => new DateTimeOffset(a.ToUniversalTime()).CompareTo(b),
            (DateTimeOffset a, DateTime b) => a.CompareTo(new DateTimeOffset(b.ToUniversalTime())),
            (Guid a, Guid b) => a.CompareTo(b),
            (char a, char b) => a.CompareTo(b),
            (TimeSpan a, TimeSpan b) => a.CompareTo(b),
            _ when left.GetType() == right.GetType() && left is IComparable comparable => comparable.CompareTo(right),
            _ => null,
        };
    }

    public static bool IsNumber(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    public static bool IsIntegral(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong;

    public static double ToDouble(object value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
}
