namespace LatentAudio.Audio.Flac;

/// <summary>
/// Decodes one subframe (RFC 9639 §9.2): CONSTANT, VERBATIM, FIXED orders 0-4, LPC orders 1-32, with wasted bits,
/// and the Rice / Rice2 partitioned residual with escape codes (§9.2.7). Samples are 64-bit so the side channel
/// of 32-bit audio (33 bits) and every intermediate of prediction fit.
/// </summary>
internal static class FlacSubframe
{
    public static void Decode(FlacBitReader r, Span<long> output, int bitsPerSample)
    {
        int blockSize = output.Length;
        if (r.ReadBit()) throw r.Malformed("subframe padding bit set");
        int type = (int)r.ReadBits(6);
        int wasted = 0;
        if (r.ReadBit())
        {
            wasted = (int)r.ReadUnary((uint)bitsPerSample) + 1;
            if (wasted >= bitsPerSample) throw r.Malformed($"{wasted} wasted bits in a {bitsPerSample}-bit subframe");
        }
        int bps = bitsPerSample - wasted;

        switch (type)
        {
            case 0:
                output.Fill(r.ReadSigned(bps));
                break;
            case 1:
                for (int i = 0; i < blockSize; i++) output[i] = r.ReadSigned(bps);
                break;
            case >= 8 and <= 12:
                DecodeFixed(r, output, bps, type - 8);
                break;
            case >= 32:
                DecodeLpc(r, output, bps, type - 31);
                break;
            default:
                throw r.Malformed($"reserved subframe type {type}");
        }
        if (wasted > 0)
            for (int i = 0; i < blockSize; i++) output[i] <<= wasted;
    }

    private static void DecodeFixed(FlacBitReader r, Span<long> x, int bps, int order)
    {
        ReadWarmUp(r, x, bps, order);
        ReadResidual(r, x, order);
        // RFC 9639 §9.2.5, table 35: the fixed predictors are the binomial differences.
        switch (order)
        {
            case 1: for (int i = 1; i < x.Length; i++) x[i] += x[i - 1]; break;
            case 2: for (int i = 2; i < x.Length; i++) x[i] += 2 * x[i - 1] - x[i - 2]; break;
            case 3: for (int i = 3; i < x.Length; i++) x[i] += 3 * x[i - 1] - 3 * x[i - 2] + x[i - 3]; break;
            case 4: for (int i = 4; i < x.Length; i++) x[i] += 4 * x[i - 1] - 6 * x[i - 2] + 4 * x[i - 3] - x[i - 4]; break;
        }
    }

    private static void DecodeLpc(FlacBitReader r, Span<long> x, int bps, int order)
    {
        ReadWarmUp(r, x, bps, order);
        int precision = (int)r.ReadBits(4) + 1;
        if (precision == 16) throw r.Malformed("invalid LPC coefficient precision");
        int shift = (int)r.ReadSigned(5);
        // RFC 9639 §9.2.6: a negative shift is not allowed.
        if (shift < 0) throw r.Malformed($"negative LPC shift {shift}");
        Span<long> coefs = stackalloc long[order];
        for (int j = 0; j < order; j++) coefs[j] = r.ReadSigned(precision);
        ReadResidual(r, x, order);
        for (int i = order; i < x.Length; i++)
        {
            long sum = 0;
            for (int j = 0; j < order; j++) sum += coefs[j] * x[i - 1 - j];
            x[i] += sum >> shift;
        }
    }

    private static void ReadWarmUp(FlacBitReader r, Span<long> x, int bps, int order)
    {
        if (order > x.Length) throw r.Malformed($"predictor order {order} exceeds block size {x.Length}");
        for (int i = 0; i < order; i++) x[i] = r.ReadSigned(bps);
    }

    /// <summary>Writes the residual into x[order..].</summary>
    private static void ReadResidual(FlacBitReader r, Span<long> x, int order)
    {
        int method = (int)r.ReadBits(2);
        if (method > 1) throw r.Malformed($"reserved residual coding method {method}");
        int paramBits = method == 0 ? 4 : 5;
        uint escape = method == 0 ? 15u : 31u;
        int partitionOrder = (int)r.ReadBits(4);
        int partitions = 1 << partitionOrder;
        int blockSize = x.Length;
        if ((blockSize & (partitions - 1)) != 0) throw r.Malformed($"block size {blockSize} not divisible into {partitions} partitions");
        int perPartition = blockSize >> partitionOrder;
        if (perPartition < order) throw r.Malformed("first residual partition is shorter than the predictor order");

        int i = order;
        for (int p = 0; p < partitions; p++)
        {
            int end = (p + 1) * perPartition;
            uint k = r.ReadBits(paramBits);
            if (k == escape)
            {
                int bits = (int)r.ReadBits(5);
                for (; i < end; i++) x[i] = r.ReadSigned(bits);
                continue;
            }
            for (; i < end; i++)
            {
                // Unary quotient capped so the folded value stays within 64 bits; real streams are far below.
                ulong q = r.ReadUnary(1u << 30);
                ulong u = (q << (int)k) | r.ReadBits((int)k);
                x[i] = (long)(u >> 1) ^ -(long)(u & 1);
            }
        }
    }
}
