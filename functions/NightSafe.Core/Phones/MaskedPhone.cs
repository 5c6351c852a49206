namespace NightSafe.Core.Phones;

/// <summary>A phone number that prints masked, so it can be a log argument without exposing the person.</summary>
public readonly record struct MaskedPhone(string? E164)
{
    public override string ToString() => UkPhoneNumber.Mask(E164);
}
