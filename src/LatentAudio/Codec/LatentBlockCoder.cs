using LatentAudio.Codec.Bitstream;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;

namespace LatentAudio.Codec;

/// <summary>A latent block in channel-major order [Channels, Frames, Rows] (one window's own frames, batch dropped).</summary>
public sealed record LatentBlock(float[] Values, int Channels, int Frames, int Rows)
{
    public int ValuesPerChannel => Frames * Rows;
}

/// <summary>A block after quantisation: the integers, how they were made, and their models.</summary>
public sealed record CodedBlock(UniformQuantiser Quantiser, ProbabilityModel[] Models, int[] Symbols, byte[] RansStream)
{
    /// <summary>Bytes of the coded block body (quantiser parameters + models + rANS stream), as stored.</summary>
    public int BodyBytes => 8 * Quantiser.Channels + Models.Sum(m => m.SideInfoBytes()) + RansStream.Length;
}

/// <summary>
/// Quantises and entropy-codes one latent block, and back: the model-free heart of the codec.
/// Body layout (see docs/format.md): per channel f32 offset + f32 step; per channel a probability model;
/// then the rANS stream to the end of the body. Symbols are coded channel-major, context = latent channel.
/// </summary>
public static class LatentBlockCoder
{
    public static CodedBlock Encode(LatentBlock block, QuantiserSettings settings, int precisionBits, ProbabilityModelPolicy policy, double targetBitsForBlock = 0)
    {
        settings.Validate();
        if (settings.Mode == StepMode.TargetBitrate)
            return SearchStep(block, targetBitsForBlock, precisionBits, policy);
        var quantiser = settings.Mode == StepMode.Fixed
            ? Uniform(block, settings.Value)
            : SpreadScaled(block, settings.Value);
        return Encode(block, quantiser, precisionBits, policy);
    }

    public static CodedBlock Encode(LatentBlock block, UniformQuantiser quantiser, int precisionBits, ProbabilityModelPolicy policy)
    {
        var q = quantiser.Quantise(block.Values);
        int per = block.ValuesPerChannel;
        var models = new ProbabilityModel[block.Channels];
        for (int c = 0; c < block.Channels; c++)
            models[c] = ModelFitter.Choose(q.AsSpan(c * per, per), precisionBits, policy).Model;
        var stream = RansCoder.Encode(q, Contexts(block.Channels, per), models.Select(m => m.Table).ToArray());
        return new CodedBlock(quantiser, models, q, stream);
    }

    /// <summary>Estimated coded bits of a block without running the coder (payload + side info).</summary>
    public static double EstimateBits(LatentBlock block, UniformQuantiser quantiser, int precisionBits, ProbabilityModelPolicy policy)
    {
        var q = quantiser.Quantise(block.Values);
        int per = block.ValuesPerChannel;
        double bits = 64.0 * block.Channels;
        for (int c = 0; c < block.Channels; c++)
            bits += ModelFitter.Choose(q.AsSpan(c * per, per), precisionBits, policy).TotalBits;
        return bits;
    }

    public static void WriteBody(CodedBlock coded, ByteWriter w)
    {
        for (int c = 0; c < coded.Quantiser.Channels; c++)
        {
            w.F32(coded.Quantiser.Offsets[c]);
            w.F32(coded.Quantiser.Steps[c]);
        }
        foreach (var m in coded.Models) m.Write(w);
        w.Bytes(coded.RansStream);
    }

    /// <summary>Reads a block body (the rest of <paramref name="r"/>) of known shape and returns the dequantised latent.</summary>
    public static (LatentBlock Latent, int[] Symbols) ReadBody(ByteReader r, int channels, int frames, int rows, int precisionBits)
    {
        var offsets = new float[channels];
        var steps = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            offsets[c] = r.FiniteF32($"offset of latent channel {c}");
            steps[c] = r.FiniteF32($"step of latent channel {c}");
            if (!(steps[c] > 0)) throw r.Error($"step of latent channel {c} is {steps[c]}, must be positive");
        }
        int per = frames * rows;
        var models = new ProbabilityModel[channels];
        for (int c = 0; c < channels; c++) models[c] = ProbabilityModel.Read(r, precisionBits, per);
        var stream = r.Bytes(r.Remaining);
        var symbols = new int[channels * per];
        if (!RansCoder.TryDecode(stream, Contexts(channels, per), models.Select(m => m.Table).ToArray(), symbols))
            throw r.Error("entropy-coded data does not decode consistently");
        var quantiser = new UniformQuantiser(offsets, steps);
        return (new LatentBlock(quantiser.Dequantise(symbols), channels, frames, rows), symbols);
    }

    public static UniformQuantiser Uniform(LatentBlock block, double step)
    {
        var offsets = ChannelMeans(block);
        return new UniformQuantiser(offsets, Enumerable.Repeat((float)step, block.Channels).ToArray());
    }

    public static UniformQuantiser SpreadScaled(LatentBlock block, double relativeStep)
    {
        var offsets = ChannelMeans(block);
        int per = block.ValuesPerChannel;
        var steps = new float[block.Channels];
        for (int c = 0; c < block.Channels; c++)
        {
            double s = 0;
            for (int i = c * per; i < (c + 1) * per; i++) { double d = block.Values[i] - offsets[c]; s += d * d; }
            double std = per > 0 ? Math.Sqrt(s / per) : 0;
            steps[c] = (float)(relativeStep * Math.Max(std, 1e-6));
        }
        return new UniformQuantiser(offsets, steps);
    }

    /// <summary>Bisection on log Δ for the coarsest-needed step whose estimated size fits the budget.</summary>
    private static CodedBlock SearchStep(LatentBlock block, double targetBits, int precisionBits, ProbabilityModelPolicy policy)
    {
        if (!(targetBits > 0)) throw new ArgumentException("target bits must be positive for the target-bitrate mode");
        double lo = Math.Log(1e-4), hi = Math.Log(1e3);
        for (int it = 0; it < 30; it++)
        {
            double mid = 0.5 * (lo + hi);
            double bits;
            try { bits = EstimateBits(block, Uniform(block, Math.Exp(mid)), precisionBits, policy); }
            catch (StepTooFineException) { bits = double.PositiveInfinity; }
            if (bits <= targetBits) hi = mid; else lo = mid;
        }
        return Encode(block, Uniform(block, (float)Math.Exp(hi)), precisionBits, policy);
    }

    private static float[] ChannelMeans(LatentBlock block)
    {
        int per = block.ValuesPerChannel;
        var m = new float[block.Channels];
        for (int c = 0; c < block.Channels; c++)
        {
            double s = 0;
            for (int i = c * per; i < (c + 1) * per; i++) s += block.Values[i];
            m[c] = per > 0 ? (float)(s / per) : 0f;
        }
        return m;
    }

    private static int[] Contexts(int channels, int per)
    {
        var ctx = new int[channels * per];
        for (int c = 0; c < channels; c++) ctx.AsSpan(c * per, per).Fill(c);
        return ctx;
    }
}
