using System.Text.Json;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.World;

public sealed class WorldIdsTests
{
    private sealed record Carrier(AgencyId Agency, TownId? Town, IReadOnlyList<CategoryId> Categories, Dictionary<AgencyId, int> Counts);

    [Fact]
    public void Ids_travel_as_their_text_in_json_values_and_keys()
    {
        var carrier = new Carrier(new("street-pastors-chelmsford"), new TownId("chelmsford"), [new("spiking"), new("alone")], new() { [new("control-room")] = 2 });

        var json = JsonSerializer.Serialize(carrier);

        Assert.Equal(
            """{"Agency":"street-pastors-chelmsford","Town":"chelmsford","Categories":["spiking","alone"],"Counts":{"control-room":2}}""",
            json);
        var read = JsonSerializer.Deserialize<Carrier>(json)!;
        Assert.Equal(carrier.Agency, read.Agency);
        Assert.Equal(carrier.Town, read.Town);
        Assert.Equal(carrier.Categories, read.Categories);
        Assert.Equal(2, read.Counts[new AgencyId("control-room")]);
    }

    [Theory]
    [InlineData("""{"Agency":"","Town":null,"Categories":[],"Counts":{}}""")]
    [InlineData("""{"Agency":"  ","Town":null,"Categories":[],"Counts":{}}""")]
    [InlineData("""{"Agency":7,"Town":null,"Categories":[],"Counts":{}}""")]
    [InlineData("""{"Agency":"a","Town":null,"Categories":[null],"Counts":{}}""")]
    public void Blank_or_non_text_ids_are_refused_when_read(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Carrier>(json));
    }

    [Fact]
    public void An_id_is_never_blank_and_compares_by_its_exact_text()
    {
        Assert.Throws<ArgumentException>(() => new AgencyId(" "));
        Assert.Throws<ArgumentNullException>(() => TownId.From(null!));
        Assert.Equal(new CategoryId("spiking"), CategoryId.From("spiking"));
        Assert.NotEqual(new CategoryId("spiking"), new CategoryId("Spiking"));
        Assert.Equal(["alone", "spiking"], new[] { new CategoryId("spiking"), new CategoryId("alone") }.Order().Values());
        Assert.Equal(string.Empty, default(AgencyId).Value);
    }
}
