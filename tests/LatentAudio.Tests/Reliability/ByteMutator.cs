using System.Buffers.Binary;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// Deterministic byte mutations in the style of AFL's havoc stage (bit flips, interesting values, block
/// delete/duplicate/insert, truncation, splicing), seeded so a run replays exactly. The fallback fuzzer when
/// AFL++ is not at hand, and the CI's bounded mutation run.
/// </summary>
public sealed class ByteMutator(int seed)
{
    private static readonly int[] Interesting = [0, 1, -1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, int.MaxValue, int.MinValue, 16, 32, 64, 1024, 4096];
    private readonly Random _rng = new(seed);

    public byte[] Mutate(byte[] seedInput, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(seedInput);
        int rounds = 1 << _rng.Next(0, 4);
        for (int r = 0; r < rounds; r++) MutateOnce(data, corpus);
        return [.. data];
    }

    private void MutateOnce(List<byte> d, IReadOnlyList<byte[]> corpus)
    {
        if (d.Count == 0) { d.Add((byte)_rng.Next(256)); return; }
        int at = Position(d);
        switch (_rng.Next(10))
        {
            case 0: d[at] ^= (byte)(1 << _rng.Next(8)); break;
            case 1: d[at] = (byte)_rng.Next(256); break;
            case 2: d[at] = (byte)Interesting[_rng.Next(Interesting.Length)]; break;
            case 3: // a 16/32-bit little- or big-endian interesting value: length and count fields
            {
                int width = _rng.Next(2) == 0 ? 2 : 4;
                if (at + width > d.Count) break;
                Span<byte> b = stackalloc byte[4];
                int v = Interesting[_rng.Next(Interesting.Length)] + _rng.Next(-2, 3);
                if (_rng.Next(2) == 0) BinaryPrimitives.WriteInt32LittleEndian(b, v); else BinaryPrimitives.WriteInt32BigEndian(b, v);
                var slice = _rng.Next(2) == 0 ? b[..width] : b[(4 - width)..];
                for (int i = 0; i < width; i++) d[at + i] = slice[i];
                break;
            }
            case 4: d.RemoveRange(at, Math.Min(d.Count - at, 1 + _rng.Next(Math.Min(64, d.Count)))); break;
            case 5: // duplicate a block
            {
                int len = Math.Min(d.Count - at, 1 + _rng.Next(64));
                d.InsertRange(Position(d), d.GetRange(at, len));
                break;
            }
            case 6: d.InsertRange(at, Enumerable.Range(0, 1 + _rng.Next(32)).Select(_ => (byte)_rng.Next(256))); break;
            case 7: d.RemoveRange(at, d.Count - at); break; // truncate
            case 8: // splice a block of another corpus file over this one
            {
                var other = corpus[_rng.Next(corpus.Count)];
                if (other.Length == 0) break;
                int from = _rng.Next(other.Length), len = Math.Min(Math.Min(other.Length - from, d.Count - at), 1 + _rng.Next(256));
                for (int i = 0; i < len; i++) d[at + i] = other[from + i];
                break;
            }
            default: d[at] = (byte)(d[at] + _rng.Next(-16, 17)); break;
        }
    }

    /// <summary>Headers decide most paths: favour the first 64 bytes half of the time.</summary>
    private int Position(List<byte> d) => _rng.Next(2) == 0 ? _rng.Next(Math.Min(64, d.Count)) : _rng.Next(d.Count);
}
