using System.Text.Json.Nodes;
using NightSafe.FunctionsHost.Rpc;

namespace NightSafe.FunctionsHost.Functions;

/// <summary>One binding of a function, as the worker described it in raw_bindings.</summary>
internal sealed record BindingDescriptor(string Name, string Type, BindingInfo.Types.Direction Direction, JsonObject Properties)
{
    public bool IsTrigger => Direction == BindingInfo.Types.Direction.In && Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public string? Text(string property)
    {
        foreach (var (key, value) in Properties)
        {
            if (string.Equals(key, property, StringComparison.OrdinalIgnoreCase))
            {
                return value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
            }
        }

        return null;
    }

    public bool Flag(string property) => bool.TryParse(Text(property), out var value) && value;

    public IReadOnlyList<string> List(string property)
    {
        foreach (var (key, value) in Properties)
        {
            if (string.Equals(key, property, StringComparison.OrdinalIgnoreCase) && value is JsonArray array)
            {
                return [.. array.Select(item => item?.GetValue<string>()).OfType<string>()];
            }
        }

        return [];
    }

    /// <summary>Parses one raw_bindings entry: a JSON object with name, type, direction and the binding's own properties.</summary>
    public static BindingDescriptor Parse(string rawBinding)
    {
        var node = JsonNode.Parse(rawBinding) as JsonObject ?? throw new InvalidDataException("A raw binding is not a JSON object.");
        string Read(string key) => node.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>() ?? string.Empty;
        var direction = Read("direction").ToUpperInvariant() switch
        {
            "OUT" => BindingInfo.Types.Direction.Out,
            "INOUT" => BindingInfo.Types.Direction.Inout,
            _ => BindingInfo.Types.Direction.In,
        };
        return new BindingDescriptor(Read("name"), Read("type"), direction, node);
    }
}

/// <summary>A function the worker reported, with what the host needs to trigger it and to load it.</summary>
internal sealed record FunctionDescriptor(string Name, string FunctionId, IReadOnlyList<BindingDescriptor> Bindings, RpcFunctionMetadata Metadata)
{
    public BindingDescriptor Trigger => Bindings.FirstOrDefault(b => b.IsTrigger)
        ?? throw new InvalidDataException($"Function {Name} has no trigger binding.");

    public string TriggerType => Trigger.Type;

    public bool IsHttp => string.Equals(TriggerType, "httpTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsQueue => string.Equals(TriggerType, "queueTrigger", StringComparison.OrdinalIgnoreCase);

    public bool IsTimer => string.Equals(TriggerType, "timerTrigger", StringComparison.OrdinalIgnoreCase);

    public IEnumerable<BindingDescriptor> Outputs => Bindings.Where(b => b.Direction != BindingInfo.Types.Direction.In);

    /// <summary>Builds the descriptor from the worker's metadata, filling the typed bindings map the load request needs.</summary>
    public static FunctionDescriptor FromMetadata(RpcFunctionMetadata metadata)
    {
        var bindings = metadata.RawBindings.Select(BindingDescriptor.Parse).ToList();
        var load = metadata.Clone();
        if (load.Bindings.Count == 0)
        {
            foreach (var binding in bindings)
            {
                var info = new BindingInfo { Type = binding.Type, Direction = binding.Direction };
                var dataType = binding.Text("dataType");
                info.DataType = dataType?.ToUpperInvariant() switch
                {
                    "STRING" => BindingInfo.Types.DataType.String,
                    "BINARY" => BindingInfo.Types.DataType.Binary,
                    "STREAM" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                };
                load.Bindings[binding.Name] = info;
            }
        }

        var id = string.IsNullOrEmpty(metadata.FunctionId) ? metadata.Name : metadata.FunctionId;
        load.FunctionId = id;
        return new FunctionDescriptor(metadata.Name, id, bindings, load);
    }
}
