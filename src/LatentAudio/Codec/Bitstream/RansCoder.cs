using System.Buffers.Binary;
using LatentAudio.Codec.Entropy;

namespace LatentAudio.Codec.Bitstream;

/// <summary>
/// Range-variant ANS (Duda 2013) with a 64-bit state and 32-bit output words, the layout of ryg_rans's
/// <c>rans64.h</c> (public domain; algorithm re-implemented here): state kept in [2^31, 2^63), one 32-bit word
/// emitted/consumed per renormalisation. Integer-only, so a stream decodes bit-exactly on any machine.
/// rANS is a stack: symbols are encoded last-to-first so the decoder reads them first-to-last.
/// Stream layout: u64 final state (LE), then the emitted words (LE u32) in decoding order.
/// </summary>
public static class RansCoder
{
    private const ulong L = 1UL << 31;

    /// <summary>Encodes symbols[i] with tables[contexts[i]].</summary>
    public static byte[] Encode(ReadOnlySpan<int> symbols, ReadOnlySpan<int> contexts, IReadOnlyList<FrequencyTable> tables)
    {
        if (symbols.Length != contexts.Length) throw new ArgumentException("symbols and contexts differ in length");
        var words = new List<uint>(symbols.Length / 8 + 4);
        ulong x = L;
        for (int i = symbols.Length - 1; i >= 0; i--)
        {
            var t = tables[contexts[i]];
            int s = symbols[i];
            uint freq = t.Frequency(s);
            if (freq == 0) throw new ArgumentException($"symbol {s} at {i} has zero frequency in table {contexts[i]}");
            uint start = t.Start(s);
            int p = t.PrecisionBits;
            ulong xMax = ((L >> p) << 32) * freq;
            if (x >= xMax)
            {
                words.Add((uint)x);
                x >>= 32;
            }
            x = ((x / freq) << p) + (x % freq) + start;
        }
        var bytes = new byte[8 + 4 * words.Count];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, x);
        for (int w = 0; w < words.Count; w++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8 + 4 * w), words[words.Count - 1 - w]);
        return bytes;
    }

    /// <summary>
    /// Decodes <paramref name="output"/>.Length symbols. Returns false if the stream is inconsistent (runs out of
    /// words, has words left over, or does not end in the initial state): a free integrity check.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> stream, ReadOnlySpan<int> contexts, IReadOnlyList<FrequencyTable> tables, Span<int> output)
    {
        if (contexts.Length != output.Length) throw new ArgumentException("contexts and output differ in length");
        var ctx = contexts.ToArray();
        return TryDecode(stream, (i, _) => ctx[i], tables, output);
    }

    /// <summary>Context of symbol i computed from the symbols decoded before it (output[0..i)).</summary>
    public delegate int ContextOf(int index, ReadOnlySpan<int> decodedSoFar);

    /// <summary>As above, with contexts that depend on earlier symbols (adaptive context selection).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> stream, ContextOf context, IReadOnlyList<FrequencyTable> tables, Span<int> output)
    {
        if (stream.Length < 8 || (stream.Length - 8) % 4 != 0) return false;
        ulong x = BinaryPrimitives.ReadUInt64LittleEndian(stream);
        if (x < L) return false;
        int pos = 8;
        for (int i = 0; i < output.Length; i++)
        {
            var t = tables[context(i, output[..i])];
            int p = t.PrecisionBits;
            uint slot = (uint)(x & ((1UL << p) - 1));
            int s = t.SymbolAt(slot);
            x = t.Frequency(s) * (x >> p) + slot - t.Start(s);
            if (x < L)
            {
                if (pos + 4 > stream.Length) return false;
                x = (x << 32) | BinaryPrimitives.ReadUInt32LittleEndian(stream[pos..]);
                pos += 4;
            }
            output[i] = s;
        }
        return pos == stream.Length && x == L;
    }
}
