namespace LatentAudio.Models.Pickle;

/// <summary>A numpy array, dtype or scalar the pickle built, kept as an inert tag: its data is never read.</summary>
public sealed class NumpyPlaceholder
{
    public NumpyPlaceholder(PickleGlobal madeBy) => MadeBy = madeBy;
    public PickleGlobal MadeBy { get; }
}

/// <summary>
/// A policy for training checkpoints that pickle numpy objects beside the state dict — PANNs'
/// <c>{'iteration', 'model', 'sampler'}</c> (qiuqiangkong/audioset_tagging_cnn pytorch/main.py, the sampler's
/// index arrays and RandomState). The four numpy globals a pickled array, dtype or scalar needs
/// (numpy/core/multiarray <c>_reconstruct</c>, <c>scalar</c>, <c>ndarray</c>, <c>dtype</c>; numpy 2 moves them to
/// <c>numpy._core</c>) become <see cref="NumpyPlaceholder"/>s: nothing is executed and their bytes are ignored.
/// Pickle protocol 2 (torch.save's default) writes the arrays' bytes as <c>_codecs.encode(text, "latin1")</c>; that
/// call is decoded here as data. Every other global, and everything tensor-related, goes to <paramref name="inner"/>.
/// </summary>
public sealed class NumpyPlaceholderPolicy(IPicklePolicy inner) : IPicklePolicy
{
    private static readonly string[] Modules = ["numpy", "numpy.core.multiarray", "numpy._core.multiarray"];
    private static readonly string[] Names = ["_reconstruct", "scalar", "ndarray", "dtype"];

    private static bool IsNumpy(PickleGlobal g) =>
        Modules.Contains(g.Module) && Names.Contains(g.Name) && (g.Module == "numpy") == (g.Name is "ndarray" or "dtype");

    private static readonly PickleGlobal CodecsEncode = new("_codecs", "encode");

    public PickleGlobal FindGlobal(string module, string name)
    {
        var g = new PickleGlobal(module, name);
        return IsNumpy(g) || g == CodecsEncode ? g : inner.FindGlobal(module, name);
    }

    public object? Reduce(PickleGlobal callable, object?[] args)
    {
        if (IsNumpy(callable)) return new NumpyPlaceholder(callable);
        if (callable != CodecsEncode) return inner.Reduce(callable, args);
        // Python 2-compatible bytes: (text, "latin1"), each character one byte.
        if (args is [string text, string encoding] && encoding is "latin1" or "latin-1")
            return System.Text.Encoding.Latin1.GetBytes(text);
        throw new PickleRefusedException("_codecs.encode called with anything but (str, 'latin1')");
    }

    public void Build(object? target, object? state)
    {
        if (target is NumpyPlaceholder) return; // an array's or dtype's __setstate__: data only, dropped
        inner.Build(target, state);
    }

    public object? PersistentLoad(object? pid) => inner.PersistentLoad(pid);
}
