using LatentAudio.Models.Safetensors;

namespace LatentAudio.Models.Onnx;

/// <summary>Where a graph builder takes its parameters from, by state-dict name.</summary>
public interface IWeights
{
    int[] Shape(string name);
    float[] Floats(string name);
    /// <summary>The values as little-endian float32 bytes.</summary>
    byte[] Bytes(string name);
}

/// <summary>Weights read from a (validated) .safetensors checkpoint, widened to float32.</summary>
public sealed class SafetensorsWeights(SafetensorsFile file) : IWeights
{
    public int[] Shape(string name) => file[name].Shape;
    public float[] Floats(string name) => file.ReadFloats(name);
    public byte[] Bytes(string name) => file.ReadFloatBytes(name);
}

/// <summary>Adds checkpoint tensors to a graph as initializers named like the state dict.</summary>
public static class WeightGraphExtensions
{
    public static string Param(this GraphBuilder b, IWeights w, string name) =>
        b.Initializer(name, w.Bytes(name), w.Shape(name).Select(d => (long)d).ToArray());

    /// <summary>A torch Linear weight [out, in] stored transposed ([in, out]) so that y = x W^T + b is one MatMul.</summary>
    public static string LinearWeightTransposed(this GraphBuilder b, IWeights w, string name)
    {
        var shape = w.Shape(name);
        int rows = shape[0], cols = shape[1];
        var src = w.Floats(name);
        var t = new float[src.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = src[r * cols + c];
        return b.Floats(name + ".T", t, cols, rows);
    }
}
