using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace LatentAudio.Models.Pickle;

/// <summary>
/// A pickle virtual machine (protocols 0-5, opcodes as in CPython's Lib/pickletools.py) that builds only plain data
/// — None, bool, int, float, str, bytes, list, tuple (object?[]), dict (<see cref="PickleDict"/>) — and hands every
/// global, REDUCE, BUILD and persistent id to an <see cref="IPicklePolicy"/>. Nothing is ever imported or called:
/// a global is a name the policy either recognises or refuses. Class-instantiating opcodes (INST, OBJ, NEWOBJ),
/// the extension registry and out-of-band buffers are refused outright.
/// </summary>
public sealed class RestrictedUnpickler
{
    private const int MaxDepth = 1 << 20; // stack + memo entries: far beyond any state dict, bounds hostile input

    private readonly byte[] _data;
    private readonly IPicklePolicy _policy;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private sealed class Mark;

    public RestrictedUnpickler(byte[] data, IPicklePolicy policy) : this(data, 0, policy) { }

    /// <summary>A pickle that starts at <paramref name="start"/> of <paramref name="data"/> (torch's legacy format
    /// writes several pickles back to back, then raw storages).</summary>
    public RestrictedUnpickler(byte[] data, int start, IPicklePolicy policy)
    {
        if (start < 0 || start > data.Length) throw new ArgumentOutOfRangeException(nameof(start));
        _data = data;
        _pos = start;
        _policy = policy;
    }

    /// <summary>The byte after the last one read: after <see cref="Load"/>, where the next pickle or data begins.</summary>
    public int Position => _pos;

    /// <summary>Runs the program to STOP and returns the object it built.</summary>
    public object? Load()
    {
        while (true)
        {
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                              // PROTO
                case 0x95: ReadBytes(8); break;                            // FRAME (framing is only a hint)
                case (byte)'.': return Pop();                                // STOP: the top of the stack is the result
                case (byte)'(': _marks.Add(_stack.Count); break;           // MARK
                case (byte)'0': Pop(); break;                              // POP
                case (byte)'1': PopMark(); break;                          // POP_MARK
                case (byte)'2': Push(Peek()); break;                       // DUP
                case (byte)'N': Push(null); break;                         // NONE
                case 0x88: Push(true); break;                              // NEWTRUE
                case 0x89: Push(false); break;                             // NEWFALSE
                case (byte)'I': Push(ParseIntLine(ReadLine())); break;     // INT
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;             // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case (byte)'L': Push(ParseLong(ReadLine().TrimEnd('L'))); break; // LONG
                case 0x8a: Push(LittleEndianSigned(ReadBytes(ReadByte()))); break; // LONG1
                case 0x8b: Push(LittleEndianSigned(ReadBytes(ReadLength(4)))); break; // LONG4
                case (byte)'F': Push(ParseFloat(ReadLine())); break; // FLOAT
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case (byte)'S': Push(ParseQuoted(ReadLine())); break;      // STRING
                case (byte)'T': Push(Latin1(ReadBytes(ReadLength(4)))); break; // BINSTRING
                case (byte)'U': Push(Latin1(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'V': Push(ReadLine()); break;                   // UNICODE (raw-unicode-escape; ASCII suffices here)
                case (byte)'X': Push(Utf8(ReadBytes(ReadLength(4)))); break; // BINUNICODE
                case 0x8c: Push(Utf8(ReadBytes(ReadByte()))); break;       // SHORT_BINUNICODE
                case 0x8d: Push(Utf8(ReadBytes(ReadLength(8)))); break;    // BINUNICODE8
                case (byte)'B': Push(ReadBytes(ReadLength(4)).ToArray()); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8)).ToArray()); break; // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength(8)).ToArray()); break; // BYTEARRAY8
                case (byte)']': Push(new List<object?>()); break;          // EMPTY_LIST
                case (byte)'l': Push(new List<object?>(PopMark())); break; // LIST
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case 0x8f: Push(new List<object?>()); break;               // EMPTY_SET (a list: only data is kept)
                case 0x90: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(new List<object?>(PopMark())); break;      // FROZENSET
                case (byte)')': Push(Array.Empty<object?>()); break;       // EMPTY_TUPLE
                case (byte)'t': Push(PopMark().ToArray()); break;          // TUPLE
                case 0x85: Push(new[] { Pop() }); break;                   // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'}': Push(new PickleDict()); break;             // EMPTY_DICT
                case (byte)'d': Push(DictOf(PopMark())); break;            // DICT
                case (byte)'s': { var v = Pop(); var k = Pop(); AsDict(Peek()).Set(k, v); break; } // SETITEM
                case (byte)'u': { var kv = PopMark(); var d = AsDict(Peek()); for (int i = 0; i + 1 < kv.Count; i += 2) d.Set(kv[i], kv[i + 1]); if (kv.Count % 2 != 0) throw Bad("SETITEMS with an odd count"); break; }
                case (byte)'g': Push(MemoGet(ParseLong(ReadLine()))); break; // GET
                case (byte)'h': Push(MemoGet(ReadByte())); break;          // BINGET
                case (byte)'j': Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case (byte)'p': MemoPut(ParseLong(ReadLine())); break;     // PUT
                case (byte)'q': MemoPut(ReadByte()); break;                // BINPUT
                case (byte)'r': MemoPut(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))); break; // LONG_BINPUT
                case 0x94: MemoPut(_memo.Count); break;                    // MEMOIZE
                case (byte)'c': { var module = ReadLine(); var name = ReadLine(); Push(_policy.FindGlobal(module, name)); break; } // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(_policy.FindGlobal(module ?? throw Bad("STACK_GLOBAL without a module string"), name ?? throw Bad("STACK_GLOBAL without a name string"))); break; }
                case (byte)'R': { var args = Pop() as object?[] ?? throw Bad("REDUCE arguments are not a tuple"); var f = Pop() as PickleGlobal ?? throw Bad("REDUCE on something that is not a global"); Push(_policy.Reduce(f, args)); break; }
                case (byte)'b': { var state = Pop(); _policy.Build(Peek(), state); break; } // BUILD
                case (byte)'P': Push(_policy.PersistentLoad(ReadLine())); break; // PERSID
                case (byte)'Q': Push(_policy.PersistentLoad(Pop())); break; // BINPERSID
                case (byte)'i': { var module = ReadLine(); var name = ReadLine(); _policy.FindGlobal(module, name); throw Refused($"INST {module}.{name}"); }
                case (byte)'o': throw Refused("OBJ (class instantiation)");
                case 0x81: case 0x92: throw Refused("NEWOBJ (class instantiation)");
                case 0x82: case 0x83: case 0x84: throw Refused("EXT (the copyreg extension registry)");
                case 0x97: case 0x98: throw Refused("out-of-band buffers");
                default: throw Bad($"unknown opcode 0x{op:x2} at byte {_pos - 1}");
            }
        }
    }

    private static PickleRefusedException Refused(string what) => new($"the pickle uses {what}, which a tensor state dict never needs");
    private PickleFormatException Bad(string what) => new($"{what} (pickle byte {_pos})");

    private void Push(object? value)
    {
        if (_stack.Count >= MaxDepth) throw Bad("stack too deep");
        _stack.Add(value);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1])) throw Bad("stack underflow");
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return v;
    }

    private object? Peek() =>
        _stack.Count == 0 || (_marks.Count > 0 && _stack.Count == _marks[^1]) ? throw Bad("stack underflow") : _stack[^1];

    private List<object?> PopMark()
    {
        if (_marks.Count == 0) throw Bad("no MARK on the stack");
        int at = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(at, _stack.Count - at);
        _stack.RemoveRange(at, _stack.Count - at);
        return items;
    }

    private List<object?> AsList(object? o) => o as List<object?> ?? throw Bad("APPEND to something that is not a list");
    private PickleDict AsDict(object? o) => o as PickleDict ?? throw Bad("SETITEM on something that is not a dict");

    private PickleDict DictOf(List<object?> kv)
    {
        if (kv.Count % 2 != 0) throw Bad("DICT with an odd count");
        var d = new PickleDict();
        for (int i = 0; i < kv.Count; i += 2) d.Set(kv[i], kv[i + 1]);
        return d;
    }

    private object? MemoGet(long key) => _memo.TryGetValue(key, out var v) ? v : throw Bad($"memo key {key} was never stored");

    private void MemoPut(long key)
    {
        if (_memo.Count >= MaxDepth) throw Bad("memo too large");
        _memo[key] = Peek();
    }

    private byte ReadByte() => _pos < _data.Length ? _data[_pos++] : throw Bad("truncated");

    private ReadOnlySpan<byte> ReadBytes(long n)
    {
        if (n < 0 || n > _data.Length - _pos) throw Bad($"truncated (needs {n} more bytes)");
        var span = _data.AsSpan(_pos, (int)n);
        _pos += (int)n;
        return span;
    }

    private long ReadLength(int width)
    {
        var b = ReadBytes(width);
        ulong n = width == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
        return n > (ulong)(_data.Length - _pos) ? throw Bad($"a length of {n} runs past the end") : (long)n;
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Bad("truncated text argument");
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s.EndsWith('\r') ? s[..^1] : s;
    }

    // double.Parse threw FormatException on a malformed FLOAT line (found by fuzzing, issue 8).
    private double ParseFloat(string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Bad($"bad float '{s}'");

    private object ParseIntLine(string s) => s switch { "00" => false, "01" => true, _ => ParseLong(s) };

    private long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : throw Bad($"bad integer '{s}'");

    private long LittleEndianSigned(ReadOnlySpan<byte> b)
    {
        if (b.Length == 0) return 0;
        if (b.Length > 8) throw Bad("integer wider than 64 bits");
        long v = 0;
        for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
        int unused = 64 - 8 * b.Length;
        return unused == 0 ? v : (v << unused) >> unused; // sign-extend
    }

    private string ParseQuoted(string s) =>
        s.Length >= 2 && s[0] == s[^1] && s[0] is '\'' or '"' ? s[1..^1] : throw Bad("STRING argument is not quoted");

    private static string Latin1(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    private string Utf8(ReadOnlySpan<byte> b)
    {
        try { return new UTF8Encoding(false, true).GetString(b); }
        catch (DecoderFallbackException) { throw Bad("invalid UTF-8 in a string"); }
    }
}
