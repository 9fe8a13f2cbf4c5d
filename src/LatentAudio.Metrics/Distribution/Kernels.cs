using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// The vector loops of <see cref="SymmetricEigen"/> and <see cref="MatrixProduct"/> over contiguous double spans
/// (level-1 BLAS shapes; the fused ones exist so a row is read once where the textbook loop reads it twice).
/// Vector256 where the hardware has it, with a scalar tail; TensorPrimitives where it already has the operation.
/// </summary>
internal static class Kernels
{
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y) => TensorPrimitives.Dot(x, y[..x.Length]);

    public static double SumOfMagnitudes(ReadOnlySpan<double> x) => TensorPrimitives.SumOfMagnitudes(x);

    public static void Scale(Span<double> x, double a) => TensorPrimitives.Multiply(x, a, x);

    /// <summary>y += a x (x as long as y).</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.MultiplyAdd(x[..y.Length], a, y, y);

    /// <summary>Returns row·u and adds b·row to acc, over row's length: the two halves of a symmetric matrix-vector
    /// product from one row of the lower triangle, in one pass.</summary>
    public static double DotAndAxpy(ReadOnlySpan<double> row, ReadOnlySpan<double> u, double b, Span<double> acc)
    {
        int n = row.Length, k = 0;
        double dot = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double r = ref MemoryMarshal.GetReference(row);
            ref double x = ref MemoryMarshal.GetReference(u[..n]);
            ref double y = ref MemoryMarshal.GetReference(acc[..n]);
            var vb = Vector256.Create(b);
            var sum = Vector256<double>.Zero;
            for (; k <= n - 4; k += 4)
            {
                var vr = Vector256.LoadUnsafe(ref r, (nuint)k);
                sum = Madd(vr, Vector256.LoadUnsafe(ref x, (nuint)k), sum);
                Madd(vr, vb, Vector256.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            }
            dot = Vector256.Sum(sum);
        }
        for (; k < n; k++) { dot += row[k] * u[k]; acc[k] += b * row[k]; }
        return dot;
    }

    /// <summary>row −= a·q + b·u over row's length (a symmetric rank-2 update of one row prefix).</summary>
    public static void SubtractRank2(Span<double> row, ReadOnlySpan<double> u, double b, ReadOnlySpan<double> q, double a)
    {
        int n = row.Length, k = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double r = ref MemoryMarshal.GetReference(row);
            ref double vu = ref MemoryMarshal.GetReference(u[..n]);
            ref double vq = ref MemoryMarshal.GetReference(q[..n]);
            var na = Vector256.Create(-a);
            var nb = Vector256.Create(-b);
            for (; k <= n - 4; k += 4)
            {
                var x = Vector256.LoadUnsafe(ref r, (nuint)k);
                x = Madd(na, Vector256.LoadUnsafe(ref vq, (nuint)k), x);
                Madd(nb, Vector256.LoadUnsafe(ref vu, (nuint)k), x).StoreUnsafe(ref r, (nuint)k);
            }
        }
        for (; k < n; k++) row[k] -= a * q[k] + b * u[k];
    }

    /// <summary>row −= a·q + b·u, then returns row·v and adds c·row to acc (over row's length): one row's share of a
    /// symmetric rank-2 update and of the next symmetric product, in one pass over the row.</summary>
    public static double SubtractRank2DotAndAxpy(Span<double> row, ReadOnlySpan<double> u, double b, ReadOnlySpan<double> q, double a,
        ReadOnlySpan<double> v, double c, Span<double> acc)
    {
        int n = row.Length, k = 0;
        double dot = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double r = ref MemoryMarshal.GetReference(row);
            ref double vu = ref MemoryMarshal.GetReference(u[..n]);
            ref double vq = ref MemoryMarshal.GetReference(q[..n]);
            ref double vv = ref MemoryMarshal.GetReference(v[..n]);
            ref double y = ref MemoryMarshal.GetReference(acc[..n]);
            var na = Vector256.Create(-a);
            var nb = Vector256.Create(-b);
            var vc = Vector256.Create(c);
            var sum = Vector256<double>.Zero;
            for (; k <= n - 4; k += 4)
            {
                var x = Vector256.LoadUnsafe(ref r, (nuint)k);
                x = Madd(na, Vector256.LoadUnsafe(ref vq, (nuint)k), x);
                x = Madd(nb, Vector256.LoadUnsafe(ref vu, (nuint)k), x);
                x.StoreUnsafe(ref r, (nuint)k);
                sum = Madd(x, Vector256.LoadUnsafe(ref vv, (nuint)k), sum);
                Madd(x, vc, Vector256.LoadUnsafe(ref y, (nuint)k)).StoreUnsafe(ref y, (nuint)k);
            }
            dot = Vector256.Sum(sum);
        }
        for (; k < n; k++)
        {
            row[k] -= a * q[k] + b * u[k];
            dot += row[k] * v[k];
            acc[k] += c * row[k];
        }
        return dot;
    }

    /// <summary>The plane rotation of two rows: (x, y) ← (c x − s y, s x + c y).</summary>
    public static void Rotate(Span<double> x, Span<double> y, double c, double s)
    {
        int n = x.Length, k = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double rx = ref MemoryMarshal.GetReference(x);
            ref double ry = ref MemoryMarshal.GetReference(y[..n]);
            var vc = Vector256.Create(c);
            var vs = Vector256.Create(s);
            for (; k <= n - 4; k += 4)
            {
                var a = Vector256.LoadUnsafe(ref rx, (nuint)k);
                var b = Vector256.LoadUnsafe(ref ry, (nuint)k);
                (vc * a - vs * b).StoreUnsafe(ref rx, (nuint)k);
                (vs * a + vc * b).StoreUnsafe(ref ry, (nuint)k);
            }
        }
        for (; k < n; k++)
        {
            double a = x[k], b = y[k];
            x[k] = c * a - s * b;
            y[k] = s * a + c * b;
        }
    }

    public static void Swap(Span<double> x, Span<double> y)
    {
        for (int k = 0; k < x.Length; k++) (x[k], y[k]) = (y[k], x[k]);
    }

    /// <summary>a·b + c, fused where the CPU has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Madd(Vector256<double> a, Vector256<double> b, Vector256<double> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;
}
