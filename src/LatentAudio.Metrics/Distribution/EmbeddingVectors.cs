using System.Buffers.Binary;

namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// A clip's embedding vectors, <see cref="Count"/> × <see cref="Dimension"/> float32 values row-major, with their
/// compact text form: base64 of the float32 values little-endian (<see cref="ToBase64"/>), which round-trips every
/// value exactly, so statistics built from stored vectors equal those built from the network's output.
/// </summary>
public sealed class EmbeddingVectors
{
    private readonly float[] _data;

    public EmbeddingVectors(int dimension, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (data.Length % dimension != 0) throw new ArgumentException($"{data.Length} values are not whole vectors of {dimension}", nameof(data));
        Dimension = dimension;
        _data = data;
    }

    public int Dimension { get; }
    public int Count => _data.Length / Dimension;

    public ReadOnlySpan<float> Vector(int i) => _data.AsSpan(i * Dimension, Dimension);

    public IEnumerable<float[]> Vectors()
    {
        for (int i = 0; i < Count; i++) yield return _data.AsSpan(i * Dimension, Dimension).ToArray();
    }

    public static EmbeddingVectors Of(IReadOnlyList<float[]> vectors, int dimension)
    {
        var data = new float[vectors.Count * dimension];
        for (int i = 0; i < vectors.Count; i++)
        {
            if (vectors[i].Length != dimension) throw new ArgumentException($"vector {i} has {vectors[i].Length} values, expected {dimension}", nameof(vectors));
            vectors[i].CopyTo(data, i * dimension);
        }
        return new EmbeddingVectors(dimension, data);
    }

    public string ToBase64()
    {
        var bytes = new byte[_data.Length * 4];
        for (int i = 0; i < _data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), _data[i]);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The vectors of <see cref="ToBase64"/>'s text; <paramref name="count"/> is checked against its length.</summary>
    public static EmbeddingVectors FromBase64(string text, int dimension, int count)
    {
        var bytes = Convert.FromBase64String(text);
        if (bytes.Length != 4L * dimension * count)
            throw new FormatException($"{bytes.Length} bytes of embedding data, expected {count} x {dimension} float32 values");
        var data = new float[bytes.Length / 4];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return new EmbeddingVectors(dimension, data);
    }

    /// <summary>Adds every vector to <paramref name="statistics"/> (and to <paramref name="keep"/> when given), in order.</summary>
    public void AddTo(EmbeddingStatistics statistics, List<float[]>? keep = null)
    {
        for (int i = 0; i < Count; i++)
        {
            statistics.Add(Vector(i));
            keep?.Add(Vector(i).ToArray());
        }
    }
}
