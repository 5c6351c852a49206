using Amqp.Framing;
using NightSafe.ServiceBusEmulator.Broker;

namespace NightSafe.ServiceBusEmulator.Tests;

/// <summary>The SQL filter parser and its three-valued evaluation, on a stored message built directly.</summary>
public sealed class SqlFilterTests
{
    private static readonly StoredMessage Message = BuildMessage();

    [Theory]
    [InlineData("town = 'chelmsford'", true)]
    [InlineData("town = 'Chelmsford'", false)]
    [InlineData("user.town <> 'grays'", true)]
    [InlineData("town != 'chelmsford'", false)]
    [InlineData("[town] = 'chelmsford'", true)]
    [InlineData("TOWN = 'chelmsford'", true)]
    [InlineData("count > 2 AND count <= 3", true)]
    [InlineData("count * 2 + 1 = 7", true)]
    [InlineData("count % 2 = 1 AND -count < 0", true)]
    [InlineData("count / 2 = 1", true)]
    [InlineData("score >= 4.5", true)]
    [InlineData("score < 4.5e0", false)]
    [InlineData("count = 3.0", true)]
    [InlineData("urgent = TRUE", true)]
    [InlineData("urgent", true)]
    [InlineData("NOT urgent", false)]
    [InlineData("sys.Label = 'referral'", true)]
    [InlineData("sys.label = 'referral'", true)]
    [InlineData("sys.Subject LIKE 'ref%'", true)]
    [InlineData("sys.MessageId LIKE '2026-12-18/%/control\\_room' ESCAPE '\\'", true)]
    [InlineData("sys.MessageId LIKE '2026-12-18/_____/control_room'", true)]
    [InlineData("sys.MessageId LIKE '2026-12-18/____/control_room'", false)]
    [InlineData("sys.MessageId NOT LIKE '%room'", false)]
    [InlineData("sys.CorrelationId = 'K7QX2'", true)]
    [InlineData("sys.ContentType = 'application/json'", true)]
    [InlineData("sys.To IS NULL", true)]
    [InlineData("sys.SequenceNumber = 42", true)]
    [InlineData("sys.DeliveryCount = 1", true)]
    [InlineData("town IN ('harlow', 'chelmsford')", true)]
    [InlineData("town NOT IN ('harlow', 'chelmsford')", false)]
    [InlineData("count IN (1, 2, 3)", true)]
    [InlineData("missing IS NULL", true)]
    [InlineData("missing IS NOT NULL", false)]
    [InlineData("town IS NOT NULL", true)]
    [InlineData("EXISTS(town)", true)]
    [InlineData("EXISTS(missing)", false)]
    [InlineData("NOT EXISTS(missing)", true)]
    [InlineData("EXISTS(sys.To)", false)]
    [InlineData("missing = 'x'", false)]
    [InlineData("NOT (missing = 'x')", false)]
    [InlineData("missing = 'x' OR town = 'chelmsford'", true)]
    [InlineData("missing = 'x' AND town = 'chelmsford'", false)]
    [InlineData("(town = 'harlow' OR town = 'chelmsford') AND (count = 3)", true)]
    [InlineData("town = 'it''s'", false)]
    [InlineData("quote = 'it''s'", true)]
    [InlineData("1 = 1", true)]
    public void Evaluates_like_Service_Bus(string expression, bool expected) =>
        Assert.Equal(expected, new SqlRuleFilter(expression).Matches(Message));

    [Theory]
    [InlineData("town =")]
    [InlineData("town = 'unterminated")]
    [InlineData("(town = 'a'")]
    [InlineData("sys.Nonexistent = 1")]
    [InlineData("town LIKE 5")]
    [InlineData("town = 'a' AND")]
    [InlineData("town IS 'x'")]
    [InlineData("newid() = 1")]
    [InlineData("town = 'a' 'b'")]
    [InlineData("town # 1")]
    public void Rejects_malformed_expressions(string expression) =>
        Assert.Throws<FormatException>(() => new SqlRuleFilter(expression));

    private static StoredMessage BuildMessage()
    {
        var properties = new Properties
        {
            MessageId = "2026-12-18/K7QX2/control_room",
            CorrelationId = "K7QX2",
            Subject = "referral",
            ContentType = "application/json",
        };
        var application = new ApplicationProperties
        {
            ["town"] = "chelmsford",
            ["count"] = 3,
            ["score"] = 4.5,
            ["urgent"] = true,
            ["quote"] = "it's",
        };
        return new StoredMessage { Properties = properties, ApplicationProperties = application, Annotations = null, Body = null, SequenceNumber = 42 };
    }
}
