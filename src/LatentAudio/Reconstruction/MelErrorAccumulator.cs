using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>Log-mel-domain error of the VAE alone: input mel vs decoded mel, natural-log units.</summary>
public sealed class MelErrorAccumulator
{
    private double _sum;
    private long _count;
    public double Max { get; private set; }
    public double Mean => _count == 0 ? 0 : _sum / _count;

    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - b[i]);
            _sum += d;
            if (d > Max) Max = d;
        }
        _count += a.Length;
    }
}
