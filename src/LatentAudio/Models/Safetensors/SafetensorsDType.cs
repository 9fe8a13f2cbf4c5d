using System.Buffers.Binary;

namespace LatentAudio.Models.Safetensors;

/// <summary>The dtypes of the safetensors format (safetensors `Dtype` enum). Only float ones convert to float32.</summary>
public enum SafetensorsDType { Bool, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 }

public static class SafetensorsDTypes
{
    private static readonly Dictionary<string, SafetensorsDType> ByName =
        Enum.GetValues<SafetensorsDType>().ToDictionary(Name, d => d, StringComparer.Ordinal);

    public static bool TryParse(string text, out SafetensorsDType dtype) => ByName.TryGetValue(text, out dtype);

    public static int Size(SafetensorsDType d) => d switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 or SafetensorsDType.F8_E5M2 or SafetensorsDType.F8_E4M3 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        _ => 8,
    };

    public static void ToFloat32(SafetensorsDType d, ReadOnlySpan<byte> src, Span<float> dest, string file, string name)
    {
        switch (d)
        {
            case SafetensorsDType.F32:
                for (int i = 0; i < dest.Length; i++) dest[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case SafetensorsDType.F16:
                for (int i = 0; i < dest.Length; i++) dest[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the top half of a float32.
                for (int i = 0; i < dest.Length; i++)
                    dest[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            case SafetensorsDType.F64:
                for (int i = 0; i < dest.Length; i++) dest[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            default:
                throw InvalidInputException.ForFile(file, $"tensor '{name}' has dtype {Name(d)}, expected a float type (F32, F16, BF16)");
        }
    }

    public static string Name(SafetensorsDType d) => d == SafetensorsDType.Bool ? "BOOL" : d.ToString();
}
