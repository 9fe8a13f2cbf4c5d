namespace LatentAudio.Models.Bench;

/// <summary>
/// What the PyTorch reference took for a 10.24 s input ([1,1,1024,64]) with the full-size architecture and
/// random weights: diffusers 0.31.0 / transformers 4.40.2 on torch 1.13 (OpenBLAS), torch.set_num_threads(2),
/// inference_mode, 1 warm-up then 3 timed calls, the minimum kept, on a 2-core Xeon @ 2.80GHz
/// (golden/fullsize/python_reference_timing.json).
/// </summary>
public static class PythonReferenceTiming
{
    public const int Threads = 2;
    /// <summary>The timed input's mel bins ([1,1,1024,64]).</summary>
    public const int MelBins = 64;
    public const double EncodeSeconds = 2.4361260320001747;
    public const double DecodeSeconds = 4.288296575000004;
    public const double VocoderSeconds = 8.303138480999678;
    public static readonly double[] EncodeAll = [2.4361260320001747, 2.6353908900000533, 2.601453322999987];
    public static readonly double[] DecodeAll = [5.266727429000184, 4.716480694999973, 4.288296575000004];
    public static readonly double[] VocoderAll = [9.339539095999953, 8.303138480999678, 9.53073124499997];
}
