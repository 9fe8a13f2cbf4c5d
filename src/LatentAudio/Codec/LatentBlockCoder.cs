using LatentAudio.Codec.Bitstream;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Engine;

namespace LatentAudio.Codec;

/// <summary>
/// Lossless integer prediction applied before entropy coding, chosen per channel and window (stored as one byte).
/// The golden latents are strongly correlated from frame to frame (and zero-padded clips are constant), which a
/// zero-order model alone cannot exploit: zstd beat it on env_robin until this was added.
/// </summary>
public enum FramePredictor : byte
{
    /// <summary>Code q itself.</summary>
    None = 0,
    /// <summary>Code q[t, row] − q[t−1, row] (the first frame as is).</summary>
    PreviousFrame = 1,
}

/// <summary>A block after quantisation: the integers, how they were predicted and modelled, and the rANS stream.</summary>
public sealed record CodedBlock(UniformQuantiser Quantiser, FramePredictor[] Predictors, ProbabilityModel[] Models, int[] Symbols, byte[] RansStream, double IdealPayloadBits)
{
    /// <summary>Bytes of the coded block body (quantiser parameters + predictors + models + rANS stream), as stored.</summary>
    public int BodyBytes
    {
        get
        {
            var w = new ByteWriter();
            LatentBlockCoder.WriteBody(this, w);
            return (int)w.Length;
        }
    }
}

/// <summary>
/// Quantises and entropy-codes one latent block, and back: the model-free heart of the codec.
/// Body layout (see docs/format.md): per channel f32 offset + f32 step; per channel a u8 predictor and a
/// probability model; then the rANS stream to the end of the body. Symbols (the predictor's residuals) are coded
/// channel-major [channel, frame, row], context = latent channel.
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

    /// <summary>Context buckets per latent channel: |previous symbol| = 0, 1, ≥ 2 (previous = same row, previous frame).</summary>
    public const int Buckets = 3;

    public static CodedBlock Encode(LatentBlock block, UniformQuantiser quantiser, int precisionBits, ProbabilityModelPolicy policy)
    {
        var q = quantiser.Quantise(block.Values);
        int per = block.ValuesPerChannel;
        var models = new ProbabilityModel[block.Channels * Buckets];
        var predictors = new FramePredictor[block.Channels];
        var residuals = new int[q.Length];
        for (int c = 0; c < block.Channels; c++)
        {
            var choice = ChooseChannel(q.AsSpan(c * per, per), block.Rows, precisionBits, policy);
            predictors[c] = choice.Predictor;
            for (int b = 0; b < Buckets; b++) models[c * Buckets + b] = choice.Fits[b].Model;
            choice.Residuals.CopyTo(residuals, c * per);
        }
        var contexts = new int[q.Length];
        for (int i = 0; i < q.Length; i++) contexts[i] = Context(residuals, i, per, block.Rows);
        var tables = models.Select(m => m.Table).ToArray();
        var stream = RansCoder.Encode(residuals, contexts, tables);
        double ideal = 0;
        for (int i = 0; i < residuals.Length; i++) ideal += tables[contexts[i]].CostBits(residuals[i]);
        return new CodedBlock(quantiser, predictors, models, q, stream, ideal);
    }

    /// <summary>
    /// Context of symbol i (channel-major): channel·Buckets + min(|previous|, 2), where previous is the symbol one
    /// frame earlier in the same row (or the row below in the first frame; 0 for the very first). Computed from
    /// already-coded symbols only, so the decoder derives the same context.
    /// </summary>
    public static int Context(ReadOnlySpan<int> symbols, int i, int per, int rows)
    {
        int c = i / per, j = i - c * per;
        int prev = j >= rows ? symbols[i - rows] : j > 0 ? symbols[i - 1] : 0;
        return c * Buckets + Math.Min(Math.Abs(prev), Buckets - 1);
    }

    private sealed record ChannelChoice(FramePredictor Predictor, ModelFitter.Fit[] Fits, int[] Residuals)
    {
        public double TotalBits => Fits.Sum(f => f.TotalBits) + 8;
    }

    private static ChannelChoice ChooseChannel(ReadOnlySpan<int> q, int rows, int precisionBits, ProbabilityModelPolicy policy)
    {
        var direct = q.ToArray();
        var best = new ChannelChoice(FramePredictor.None, FitBuckets(direct, rows, precisionBits, policy), direct);
        var delta = Predict(q, rows);
        try
        {
            var cand = new ChannelChoice(FramePredictor.PreviousFrame, FitBuckets(delta, rows, precisionBits, policy), delta);
            if (cand.TotalBits < best.TotalBits) best = cand;
        }
        catch (ArgumentException) { } // residuals span more than a table can hold: keep the direct coding
        return best;
    }

    private static ModelFitter.Fit[] FitBuckets(int[] symbols, int rows, int precisionBits, ProbabilityModelPolicy policy)
    {
        var split = Enumerable.Range(0, Buckets).Select(_ => new List<int>()).ToArray();
        for (int j = 0; j < symbols.Length; j++) split[Context(symbols, j, symbols.Length, rows)].Add(symbols[j]);
        return split.Select(list => ModelFitter.Choose(list.ToArray(), precisionBits, policy)).ToArray();
    }

    private static int[] Predict(ReadOnlySpan<int> q, int rows)
    {
        var r = new int[q.Length];
        for (int i = 0; i < q.Length; i++) r[i] = i < rows ? q[i] : q[i] - q[i - rows];
        return r;
    }

    private static void Unpredict(Span<int> r, int rows)
    {
        for (int i = rows; i < r.Length; i++) r[i] += r[i - rows];
    }

    /// <summary>Estimated coded bits of a block without running the coder (payload + side info).</summary>
    public static double EstimateBits(LatentBlock block, UniformQuantiser quantiser, int precisionBits, ProbabilityModelPolicy policy)
    {
        var q = quantiser.Quantise(block.Values);
        int per = block.ValuesPerChannel;
        double bits = 64.0 * block.Channels;
        for (int c = 0; c < block.Channels; c++)
            bits += ChooseChannel(q.AsSpan(c * per, per), block.Rows, precisionBits, policy).TotalBits;
        return bits;
    }

    public static void WriteBody(CodedBlock coded, ByteWriter w)
    {
        for (int c = 0; c < coded.Quantiser.Channels; c++)
        {
            w.F32(coded.Quantiser.Steps[c]);
            w.VarInt(OffsetIndex(coded.Quantiser.Offsets[c], coded.Quantiser.Steps[c]));
        }
        for (int c = 0; c < coded.Predictors.Length; c++)
        {
            w.U8((byte)coded.Predictors[c]);
            for (int b = 0; b < Buckets; b++) coded.Models[c * Buckets + b].Write(w);
        }
        w.Bytes(coded.RansStream);
    }

    /// <summary>Reads a block body (the rest of <paramref name="r"/>) of known shape and returns the dequantised latent.</summary>
    public static (LatentBlock Latent, int[] Symbols) ReadBody(ByteReader r, int channels, int frames, int rows, int precisionBits)
    {
        var offsets = new float[channels];
        var steps = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            steps[c] = r.FiniteF32($"step of latent channel {c}");
            if (!(steps[c] > 0)) throw r.Error($"step of latent channel {c} is {steps[c]}, must be positive");
            long k = r.VarInt();
            if (Math.Abs(k) > 1L << 40) throw r.Error($"offset index {k} of latent channel {c} is implausible");
            offsets[c] = GridOffset(k, steps[c]);
            if (!float.IsFinite(offsets[c])) throw r.Error($"offset of latent channel {c} is not finite");
        }
        int per = frames * rows;
        var models = new ProbabilityModel[channels * Buckets];
        var predictors = new FramePredictor[channels];
        for (int c = 0; c < channels; c++)
        {
            byte p = r.U8();
            if (p > 1) throw r.Error($"unknown predictor {p} for latent channel {c}");
            predictors[c] = (FramePredictor)p;
            long histogramTotal = 0;
            for (int b = 0; b < Buckets; b++)
            {
                var m = ProbabilityModel.Read(r, precisionBits, per);
                models[c * Buckets + b] = m;
                if (m.HistogramCounts is { } counts) histogramTotal += counts.Aggregate(0L, (a, x) => a + (long)x);
            }
            if (histogramTotal > per) throw r.Error($"latent channel {c}: histograms count {histogramTotal} symbols, the block has {per}");
        }
        var stream = r.Bytes(r.Remaining);
        var symbols = new int[channels * per];
        if (!RansCoder.TryDecode(stream, (i, done) => Context(done, i, per, rows), models.Select(m => m.Table).ToArray(), symbols))
            throw r.Error("entropy-coded data does not decode consistently");
        for (int c = 0; c < channels; c++)
        {
            if (predictors[c] == FramePredictor.PreviousFrame) Unpredict(symbols.AsSpan(c * per, per), rows);
            foreach (var v in symbols.AsSpan(c * per, per))
                if (Math.Abs(v) > UniformQuantiser.MaxMagnitude) throw r.Error($"latent channel {c} decodes to an out-of-range level {v}");
        }
        var quantiser = new UniformQuantiser(offsets, steps);
        return (new LatentBlock(quantiser.Dequantise(symbols), channels, frames, rows), symbols);
    }

    /// <summary>
    /// Offsets lie on the step grid (offset = k·step, only the integer k is stored: 1-2 bytes instead of a float);
    /// this shifts the integers so that each channel's mean lands near symbol 0, where the Laplace model is centred.
    /// </summary>
    public static float GridOffset(long k, float step) => (float)(k * (double)step);

    private static long OffsetIndex(float offset, float step) => (long)Math.Round(offset / (double)step);

    private static float[] GridOffsets(float[] means, float[] steps) =>
        means.Select((m, c) => GridOffset((long)Math.Round(m / (double)steps[c]), steps[c])).ToArray();

    public static UniformQuantiser Uniform(LatentBlock block, double step)
    {
        var steps = Enumerable.Repeat((float)step, block.Channels).ToArray();
        return new UniformQuantiser(GridOffsets(ChannelMeans(block), steps), steps);
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
        return new UniformQuantiser(GridOffsets(offsets, steps), steps);
    }

    /// <summary>Bisection on log Δ for the coarsest-needed step whose estimated size fits the budget.</summary>
    private static CodedBlock SearchStep(LatentBlock block, double targetBits, int precisionBits, ProbabilityModelPolicy policy)
    {
        if (!(targetBits > 0)) throw new ArgumentException("target bits must be positive for the target-bitrate mode");
        double lo = Math.Log(1e-4), hi = Math.Log(1e3);
        for (int it = 0; it < 18; it++) // 16.1 nats / 2^18: step within 0.01 %
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

}
