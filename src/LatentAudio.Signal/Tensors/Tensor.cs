namespace LatentAudio.Tensors;

/// <summary>A dense float32 tensor in C order (last index fastest): the exchange type with .npy files and ONNX Runtime.</summary>
public sealed class Tensor
{
    public Tensor(float[] data, params int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("negative dimension");
            n *= d;
        }
        if (n != data.Length) throw new ArgumentException($"shape [{string.Join(", ", shape)}] needs {n} values, got {data.Length}");
        Data = data;
        Shape = shape;
    }

    public float[] Data { get; }
    public int[] Shape { get; }
    public int Rank => Shape.Length;
    public long Length => Data.LongLength;

    public static Tensor Zeros(params int[] shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        return new Tensor(new float[n], shape);
    }

    public Tensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>Drops leading axes of size 1 until <paramref name="rank"/> axes remain (golden files carry [1,1,T,64]).</summary>
    public Tensor SqueezeLeading(int rank)
    {
        var s = Shape.AsSpan();
        while (s.Length > rank && s[0] == 1) s = s[1..];
        if (s.Length != rank) throw new InvalidInputException($"expected a tensor of rank {rank} (leading 1s allowed), got shape {ShapeText}");
        return new Tensor(Data, s.ToArray());
    }

    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    public float MaxAbsDifference(Tensor other)
    {
        if (!Shape.SequenceEqual(other.Shape)) throw new ArgumentException($"shape {ShapeText} vs {other.ShapeText}");
        float m = 0;
        for (int i = 0; i < Data.Length; i++) m = Math.Max(m, Math.Abs(Data[i] - other.Data[i]));
        return m;
    }
}
