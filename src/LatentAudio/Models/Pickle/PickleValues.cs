namespace LatentAudio.Models.Pickle;

/// <summary>A global the pickle named (GLOBAL / STACK_GLOBAL) and the restricted policy allowed; never looked up as code.</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A Python dict as the pickle built it: insertion order kept, keys compared by value.</summary>
public sealed class PickleDict
{
    private readonly Dictionary<object, object?> _index = [];
    private readonly List<object> _order = [];

    public int Count => _order.Count;
    public IEnumerable<KeyValuePair<object, object?>> Items => _order.Select(k => new KeyValuePair<object, object?>(k, _index[k]));

    public void Set(object? key, object? value)
    {
        var k = key ?? throw new PickleFormatException("a dict key is None");
        if (k is object?[] or List<object?> or PickleDict) throw new PickleFormatException("a dict key is not hashable");
        if (!_index.ContainsKey(k)) _order.Add(k);
        _index[k] = value;
    }

    public object? Get(object key) => _index.GetValueOrDefault(key);
}

/// <summary>The byte stream is not a well-formed pickle (the reader turns it into an InvalidInputException).</summary>
public sealed class PickleFormatException(string message) : Exception(message);

/// <summary>The pickle asks for something the restricted policy does not allow.</summary>
public sealed class PickleRefusedException(string message) : Exception(message);

/// <summary>
/// What a restricted unpickler may do beyond building plain data: which globals exist, what REDUCE and BUILD mean
/// for them, and what a persistent id stands for. Anything not handled must throw <see cref="PickleRefusedException"/>.
/// </summary>
public interface IPicklePolicy
{
    PickleGlobal FindGlobal(string module, string name);
    object? Reduce(PickleGlobal callable, object?[] args);
    /// <summary>BUILD (setstate) on an object the policy made.</summary>
    void Build(object? target, object? state);
    object? PersistentLoad(object? pid);
}
