namespace LatentAudio.Dsp;

public enum MelScale { Slaney, Htk }

/// <summary>
/// Triangular mel filterbank identical to librosa.filters.mel (librosa 0.9.2-0.11, `filters.py`): mel scale
/// Slaney (linear below 1 kHz, log above) or HTK, area ("slaney") normalisation optional. Rows are mel bands
/// (low to high), columns the NFft/2+1 FFT bins. Values are rounded to float32 where librosa stores them
/// (its weights array is float32), so the matrix matches librosa's bit for bit or within one ulp.
/// </summary>
public static class MelFilterbank
{
    public static float[][] Create(int sampleRate, int nFft, int nMels, double fMin, double fMax,
        MelScale scale = MelScale.Slaney, bool slaneyNorm = true)
    {
        if (nMels <= 0 || nFft <= 0 || fMax <= fMin) throw new ArgumentException("invalid mel filterbank parameters");
        int bins = nFft / 2 + 1;
        var fftFreqs = new double[bins];
        for (int k = 0; k < bins; k++) fftFreqs[k] = (double)sampleRate / 2 * k / (bins - 1); // np.linspace(0, sr/2, bins)

        double melMin = HzToMel(fMin, scale), melMax = HzToMel(fMax, scale);
        var melF = new double[nMels + 2];
        for (int i = 0; i < nMels + 2; i++)
            melF[i] = MelToHz(melMin + (melMax - melMin) * i / (nMels + 1), scale);

        var weights = new float[nMels][];
        for (int m = 0; m < nMels; m++)
        {
            double lowDiff = melF[m + 1] - melF[m], highDiff = melF[m + 2] - melF[m + 1];
            double enorm = slaneyNorm ? 2.0 / (melF[m + 2] - melF[m]) : 1.0;
            var row = new float[bins];
            for (int k = 0; k < bins; k++)
            {
                double lower = -(melF[m] - fftFreqs[k]) / lowDiff;
                double upper = (melF[m + 2] - fftFreqs[k]) / highDiff;
                float w = (float)Math.Max(0, Math.Min(lower, upper));
                row[k] = slaneyNorm ? (float)(w * enorm) : w;
            }
            weights[m] = row;
        }
        return weights;
    }

    // Slaney's Auditory Toolbox scale as librosa implements it: f_sp = 200/3 Hz per mel below 1 kHz,
    // log steps of ln(6.4)/27 above.
    private const double FSp = 200.0 / 3, MinLogHz = 1000.0, MinLogMel = MinLogHz / FSp;
    private static readonly double LogStep = Math.Log(6.4) / 27.0;

    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk) return 2595.0 * Math.Log10(1.0 + hz / 700.0);
        return hz >= MinLogHz ? MinLogMel + Math.Log(hz / MinLogHz) / LogStep : hz / FSp;
    }

    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk) return 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
        return mel >= MinLogMel ? MinLogHz * Math.Exp(LogStep * (mel - MinLogMel)) : FSp * mel;
    }
}
