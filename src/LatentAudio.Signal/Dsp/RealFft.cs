using System.Numerics;

namespace LatentAudio.Dsp;

/// <summary>
/// Spectrum of a real signal through <see cref="FftPlan"/>: for even sizes the N real samples are packed as N/2
/// complex ones and the half-size transform is untangled (the textbook real-FFT split), which halves the work of
/// every STFT frame; odd sizes use the full complex transform. Immutable; scratch buffers are the caller's.
/// </summary>
public sealed class RealFft
{
    private readonly FftPlan _plan;
    private readonly Complex[] _twiddle = []; // e^{-2 pi i k / N}, k < N/2 (even N only)

    public RealFft(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        Size = n;
        Packed = n % 2 == 0 && n >= 4;
        _plan = new FftPlan(Packed ? n / 2 : n);
        if (Packed)
        {
            _twiddle = new Complex[n / 2];
            for (int k = 0; k < n / 2; k++)
            {
                double a = -2 * Math.PI * k / n;
                _twiddle[k] = new Complex(Math.Cos(a), Math.Sin(a));
            }
        }
    }

    public int Size { get; }
    public int Bins => Size / 2 + 1;
    private bool Packed { get; }

    /// <summary>Length of the scratch buffer <see cref="Forward"/> needs.</summary>
    public int ScratchLength => Packed ? Size / 2 : Size;

    /// <summary>Bins 0..N/2 of the DFT of <paramref name="input"/> (length N).</summary>
    public void Forward(ReadOnlySpan<double> input, Span<Complex> spectrum, Span<Complex> scratch)
    {
        if (input.Length != Size) throw new ArgumentException($"real FFT of size {Size} given {input.Length} values");
        if (!Packed)
        {
            for (int i = 0; i < Size; i++) scratch[i] = new Complex(input[i], 0);
            _plan.Forward(scratch[..Size]);
            scratch[..Bins].CopyTo(spectrum);
            return;
        }
        int h = Size / 2;
        var z = scratch[..h];
        for (int m = 0; m < h; m++) z[m] = new Complex(input[2 * m], input[2 * m + 1]);
        _plan.Forward(z);
        spectrum[0] = new Complex(z[0].Real + z[0].Imaginary, 0);
        spectrum[h] = new Complex(z[0].Real - z[0].Imaginary, 0);
        for (int k = 1; k < h; k++)
        {
            Complex a = z[k], b = Complex.Conjugate(z[h - k]);
            Complex even = (a + b) * 0.5;
            Complex odd = (a - b) * new Complex(0, -0.5);
            spectrum[k] = even + _twiddle[k] * odd;
        }
    }
}
