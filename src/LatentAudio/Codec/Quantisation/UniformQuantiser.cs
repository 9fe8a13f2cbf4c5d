namespace LatentAudio.Codec.Quantisation;

/// <summary>
/// Uniform scalar quantiser per latent channel: q = round((z − offset_c) / step_c), z' = offset_c + q·step_c.
/// Offsets and steps are stored as float32 with each coded window; dequantisation is a single float64
/// multiply-add rounded to float32, so it is the same on every IEEE-754 machine.
/// </summary>
public sealed class UniformQuantiser
{
    /// <summary>|q| bound so that a channel's alphabet fits a frequency table.</summary>
    public const int MaxMagnitude = 32767;

    public UniformQuantiser(float[] offsets, float[] steps)
    {
        if (offsets.Length != steps.Length) throw new ArgumentException("offsets and steps differ in length");
        foreach (var s in steps)
            if (!(s > 0) || !float.IsFinite(s)) throw new ArgumentException($"quantiser step {s} must be positive and finite");
        Offsets = offsets;
        Steps = steps;
    }

    public float[] Offsets { get; }
    public float[] Steps { get; }
    public int Channels => Steps.Length;

    /// <summary>Quantises channel-major values [Channels, perChannel]; throws if a step is too fine for the range.</summary>
    public int[] Quantise(ReadOnlySpan<float> values)
    {
        int per = PerChannel(values.Length);
        var q = new int[values.Length];
        for (int c = 0; c < Channels; c++)
        {
            double off = Offsets[c], inv = 1.0 / Steps[c];
            for (int i = c * per; i < (c + 1) * per; i++)
            {
                double v = Math.Round((values[i] - off) * inv, MidpointRounding.ToEven);
                if (!(Math.Abs(v) <= MaxMagnitude))
                    throw new StepTooFineException($"quantiser step {Steps[c]:g4} is too fine for latent channel {c} (value {values[i]:g6} maps to {v:g6}, limit ±{MaxMagnitude})");
                q[i] = (int)v;
            }
        }
        return q;
    }

    public float[] Dequantise(ReadOnlySpan<int> q)
    {
        int per = PerChannel(q.Length);
        var z = new float[q.Length];
        for (int c = 0; c < Channels; c++)
        {
            double off = Offsets[c], step = Steps[c];
            for (int i = c * per; i < (c + 1) * per; i++) z[i] = (float)(off + q[i] * step);
        }
        return z;
    }

    private int PerChannel(int length)
    {
        if (length % Channels != 0) throw new ArgumentException($"{length} values do not split into {Channels} channels");
        return length / Channels;
    }
}

/// <summary>The chosen step would need more than ±32767 quantisation levels.</summary>
public sealed class StepTooFineException(string message) : InvalidInputException(message);
