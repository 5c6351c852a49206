namespace NightSafe.Core.Text;

/// <summary>
/// Reads an enum from input by one declared name only. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/>
/// also accepts numbers and comma-separated lists of names, which it combines as flags: "declined, attended" would
/// become a third value. Here a value is one of the names, compared ignoring case, or nothing.
/// </summary>
public static class EnumNames
{
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (!string.IsNullOrEmpty(text))
        {
            foreach (var name in Enum.GetNames<TEnum>())
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    value = Enum.Parse<TEnum>(name);
                    return true;
                }
            }
        }

        value = default;
        return false;
    }
}
