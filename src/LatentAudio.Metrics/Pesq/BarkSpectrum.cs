using System.Numerics;

namespace LatentAudio.Metrics.P862;

/// <summary>
/// Pitch power density of one 32 ms frame (P.862 §10.2.2–10.2.3, reference `short_term_fft` + `freq_warping`):
/// Hann window, power spectrum with the DC bin removed, bins summed into Bark bands, each band scaled by its
/// power-density correction factor and by Sp.
/// </summary>
internal sealed class BarkSpectrum
{
    private readonly int _nf;
    private readonly float[] _window;
    private readonly float[] _power;
    private readonly PesqRateProfile _rate;
    private readonly PesqFft _fft;

    public BarkSpectrum(PesqRateProfile rate, PesqFft fft)
    {
        _rate = rate; _fft = fft;
        _nf = rate.FrameLength;
        _window = new float[_nf];
        for (int i = 0; i < _nf; i++) _window[i] = (float)(0.5 * (1.0 - Math.Cos(2 * Math.PI * i / _nf)));
        _power = new float[_nf / 2];
    }

    public int BandCount => _rate.Bands.Count;

    /// <summary>Writes the band densities of the frame starting at <paramref name="start"/> into <paramref name="bands"/>.</summary>
    public void Compute(float[] data, int start, Span<float> bands)
    {
        var x = _fft.Scratch(_nf);
        for (int i = 0; i < _nf; i++) x[i] = new Complex(data[start + i] * _window[i], 0);
        _fft.Plan(_nf).Forward(x);
        for (int k = 0; k < _nf / 2; k++)
        {
            float re = (float)x[k].Real, im = (float)x[k].Imaginary;
            _power[k] = re * re + im * im;
        }
        _power[0] = 0;
        Warp(_power, bands);
    }

    /// <summary>All-zero power spectrum (a degraded frame outside the signal).</summary>
    public void Silence(Span<float> bands)
    {
        Array.Clear(_power);
        Warp(_power, bands);
    }

    private void Warp(float[] power, Span<float> bands)
    {
        var t = _rate.Bands;
        int bin = 0;
        for (int b = 0; b < t.Count; b++)
        {
            double sum = 0;
            for (int i = 0; i < t.BinsPerBand[b]; i++) sum += power[bin++];
            sum *= t.CorrectionFactor[b];
            sum *= _rate.PowerScale;
            bands[b] = (float)sum;
        }
    }
}
