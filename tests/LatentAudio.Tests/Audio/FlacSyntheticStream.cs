using LatentAudio.Audio.Flac;

namespace LatentAudio.Tests.Audio;

/// <summary>
/// A minimal FLAC writer for tests: it builds streams whose every field is chosen by the test (any bit depth,
/// up to 8 channels, each subframe type, wasted bits, Rice/Rice2 with escaped partitions), which the reference
/// encoder cannot be made to produce on demand.
/// </summary>
internal sealed class FlacSyntheticStream
{
    public enum Kind { Constant, Verbatim, Fixed2Escaped, Fixed4, Lpc2Rice2, VerbatimWasted, Fixed0ZeroEscape }

    private readonly BitWriter _w = new();
    private readonly int _bps, _channels, _rate;
    private int _frame;

    public FlacSyntheticStream(int bitsPerSample, int channels, int rate, int maxBlock, long totalSamples)
    {
        _bps = bitsPerSample; _channels = channels; _rate = rate;
        foreach (var c in "fLaC") _w.Write(c, 8);
        _w.Write(1, 1); _w.Write(0, 7); _w.Write(34, 24);            // last block, STREAMINFO, length 34
        _w.Write((ulong)maxBlock, 16); _w.Write((ulong)maxBlock, 16);
        _w.Write(0, 24); _w.Write(0, 24);
        _w.Write((ulong)rate, 20); _w.Write((ulong)(channels - 1), 3); _w.Write((ulong)(bitsPerSample - 1), 5);
        _w.Write((ulong)totalSamples, 36);
        for (int i = 0; i < 16; i++) _w.Write(0, 8);
    }

    /// <summary>Appends one frame; <paramref name="samples"/>[c] are the integers of channel c coded as <paramref name="kinds"/>[c].</summary>
    public void AddFrame(long[][] samples, Kind[] kinds)
    {
        int n = samples[0].Length;
        int start = _w.ByteLength;
        _w.Write(0xFFF8, 16);                                        // sync, reserved 0, fixed block size
        _w.Write(7, 4); _w.Write(0, 4);                              // block size in 16 bits; rate from STREAMINFO
        _w.Write((ulong)(_channels - 1), 4); _w.Write(0, 3); _w.Write(0, 1);
        _w.Write((ulong)_frame++, 8);                                // frame number < 128: one byte
        _w.Write((ulong)(n - 1), 16);
        _w.Write(FlacCrc.Crc8(_w.Bytes(start)), 8);
        for (int c = 0; c < _channels; c++) WriteSubframe(samples[c], kinds[c]);
        _w.Align();
        _w.Write(FlacCrc.Crc16(_w.Bytes(start)), 16);
    }

    public byte[] ToArray() => _w.Bytes(0).ToArray();

    private void WriteSubframe(long[] x, Kind kind)
    {
        switch (kind)
        {
            case Kind.Constant:
                Header(0); _w.WriteSigned(x[0], _bps);
                break;
            case Kind.Verbatim:
                Header(1); foreach (var v in x) _w.WriteSigned(v, _bps);
                break;
            case Kind.VerbatimWasted:
                // 3 wasted bits: flag, then unary (k-1) zeros and a one.
                _w.Write(0, 1); _w.Write(1, 6); _w.Write(1, 1); _w.Write(0b001, 3);
                foreach (var v in x) _w.WriteSigned(v >> 3, _bps - 3);
                break;
            case Kind.Fixed0ZeroEscape:
                Header(8);
                _w.Write(0, 2); _w.Write(0, 4); _w.Write(15, 4); _w.Write(0, 5);   // Rice, 1 partition, escape with 0 bits
                break;
            case Kind.Fixed2Escaped:
                Header(8 + 2);
                for (int i = 0; i < 2; i++) _w.WriteSigned(x[i], _bps);
                WriteResidual(Residual(x, 2, i => 2 * x[i - 1] - x[i - 2]), 2, rice2: false, partitionOrder: x.Length % 4 == 0 ? 2 : 0, escapeFirst: true);
                break;
            case Kind.Fixed4:
                Header(8 + 4);
                for (int i = 0; i < 4; i++) _w.WriteSigned(x[i], _bps);
                WriteResidual(Residual(x, 4, i => 4 * x[i - 1] - 6 * x[i - 2] + 4 * x[i - 3] - x[i - 4]), 4, rice2: false, partitionOrder: 0, escapeFirst: false);
                break;
            case Kind.Lpc2Rice2:
                Header(32 + 1);                                       // LPC order 2
                for (int i = 0; i < 2; i++) _w.WriteSigned(x[i], _bps);
                _w.Write(4 - 1, 4); _w.WriteSigned(1, 5);             // precision 4, shift 1
                _w.WriteSigned(3, 4); _w.WriteSigned(-1, 4);          // prediction (3·x[i-1] − x[i-2]) >> 1
                WriteResidual(Residual(x, 2, i => (3 * x[i - 1] - x[i - 2]) >> 1), 2, rice2: true, partitionOrder: x.Length % 2 == 0 ? 1 : 0, escapeFirst: false);
                break;
        }
    }

    private void Header(int type) { _w.Write(0, 1); _w.Write((ulong)type, 6); _w.Write(0, 1); }

    private static long[] Residual(long[] x, int order, Func<int, long> predict)
    {
        var r = new long[x.Length];
        for (int i = order; i < x.Length; i++) r[i] = x[i] - predict(i);
        return r;
    }

    private void WriteResidual(long[] r, int order, bool rice2, int partitionOrder, bool escapeFirst)
    {
        _w.Write(rice2 ? 1UL : 0UL, 2); _w.Write((ulong)partitionOrder, 4);
        int per = r.Length >> partitionOrder, paramBits = rice2 ? 5 : 4;
        for (int p = 0; p < 1 << partitionOrder; p++)
        {
            int from = p == 0 ? order : p * per, to = (p + 1) * per;
            var part = r.AsSpan(from, to - from).ToArray();
            if (p == 0 && escapeFirst)
            {
                int bits = part.Length == 0 ? 0 : part.Max(v => SignedBits(v));
                _w.Write(rice2 ? 31UL : 15UL, paramBits); _w.Write((ulong)bits, 5);
                foreach (var v in part) _w.WriteSigned(v, bits);
                continue;
            }
            ulong maxU = part.Length == 0 ? 0 : part.Max(v => ZigZag(v));
            int k = Math.Clamp(64 - System.Numerics.BitOperations.LeadingZeroCount(maxU) - 4, 0, rice2 ? 30 : 14);
            _w.Write((ulong)k, paramBits);
            foreach (var v in part)
            {
                ulong u = ZigZag(v);
                for (ulong q = u >> k; q > 0; q--) _w.Write(0, 1);
                _w.Write(1, 1);
                if (k > 0) _w.Write(u & ((1UL << k) - 1), k);
            }
        }
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
    private static int SignedBits(long v) => 65 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(v < 0 ? ~v : v));

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private ulong _acc; private int _n;
        public int ByteLength => _bytes.Count;
        public void Write(ulong v, int bits)
        {
            for (int i = bits - 1; i >= 0; i--)
            {
                _acc = (_acc << 1) | ((v >> i) & 1); _n++;
                if (_n == 8) { _bytes.Add((byte)_acc); _acc = 0; _n = 0; }
            }
        }
        public void WriteSigned(long v, int bits) => Write((ulong)v & (bits == 64 ? ulong.MaxValue : (1UL << bits) - 1), bits);
        public void Align() { while (_n != 0) Write(0, 1); }
        public ReadOnlySpan<byte> Bytes(int from) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_bytes)[from..];
    }
}
