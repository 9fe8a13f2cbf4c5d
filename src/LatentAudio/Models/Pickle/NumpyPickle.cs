using System.Buffers.Binary;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Pickle;

/// <summary>What <c>numpy.dtype(code, False, True)</c> plus its BUILD state describe (numpy's dtype __reduce__).</summary>
public sealed class NumpyDTypeRef(string code)
{
    public string Code { get; } = code;
    /// <summary>'&lt;' little, '&gt;' big, '|' not applicable, '=' native (set by BUILD).</summary>
    public string ByteOrder { get; set; } = "=";
}

/// <summary>What <c>numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')</c> plus its BUILD state
/// (version, shape, dtype, is_fortran, raw bytes) describe (numpy ndarray.__reduce__/__setstate__).</summary>
public sealed class NumpyArrayRef
{
    public long[] Shape { get; private set; } = [];
    public NumpyDTypeRef? DType { get; private set; }
    public bool Fortran { get; private set; }
    public byte[] Data { get; private set; } = [];
    public bool Built { get; private set; }

    internal void SetState(object? state)
    {
        if (state is not object?[] { Length: 5 } s || s[1] is not object?[] shape || s[2] is not NumpyDTypeRef dtype
            || s[3] is not bool fortran || s[4] is not byte[] data)
            throw new PickleFormatException("a numpy array state that is not (version, shape, dtype, is_fortran, bytes)");
        Shape = shape.Select(d => d is long v && v >= 0 ? v : throw new PickleFormatException("a numpy shape that is not non-negative integers")).ToArray();
        DType = dtype; Fortran = fortran; Data = data; Built = true;
    }

    /// <summary>The array as float32 (from little-endian f4/f8), row-major.</summary>
    public Tensor ToTensor(string name)
    {
        if (!Built || DType is null) throw new PickleFormatException($"numpy array '{name}' was never given its data");
        int size = DType.Code switch { "f4" => 4, "f8" => 8, _ => throw new PickleRefusedException($"numpy array '{name}' has dtype {DType.Code}; only f4 and f8 are read") };
        if (DType.ByteOrder == ">") throw new PickleRefusedException($"numpy array '{name}' is big-endian");
        long count = Shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count * size != Data.LongLength || count > Array.MaxLength)
            throw new PickleFormatException($"numpy array '{name}' holds {Data.LongLength} bytes for {count} values of {size}");
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = size == 4 ? BinaryPrimitives.ReadSingleLittleEndian(Data.AsSpan(4 * i)) : (float)BinaryPrimitives.ReadDoubleLittleEndian(Data.AsSpan(8 * i));
        var shape = Shape.Select(d => (int)d).ToArray();
        if (Fortran && shape.Length == 2)
        {
            var c = new float[count];
            for (int r = 0; r < shape[0]; r++) for (int k = 0; k < shape[1]; k++) c[r * shape[1] + k] = values[k * shape[0] + r];
            values = c;
        }
        else if (Fortran && shape.Length > 2) throw new PickleRefusedException($"numpy array '{name}' is Fortran-ordered with {shape.Length} axes");
        return new Tensor(values, shape);
    }
}
