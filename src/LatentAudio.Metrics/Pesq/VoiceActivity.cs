namespace LatentAudio.Metrics.P862;

/// <summary>
/// The envelope VAD of P.862 §10.2.1 (reference `apply_VAD`): mean power per 4 ms window, an iteratively refined
/// noise threshold, removal of bursts of at most 4 windows, joining of gaps up to 50 windows, ramps at the speech
/// edges. <see cref="Vad"/> is the power where speech was found and 0 elsewhere; <see cref="LogVad"/> is
/// ln(power / threshold) above the threshold and 0 below, the envelope that the crude alignment correlates.
/// </summary>
internal sealed class VoiceActivity
{
    private const int MinSpeechWindows = 4;    // MINSPEECHLGTH
    private const int JoinSpeechWindows = 50;  // JOINSPEECHLGTH

    public float[] Vad { get; }
    public float[] LogVad { get; }
    public int Windows => Vad.Length;

    public VoiceActivity(PesqSignal signal, int downsample)
    {
        int nw = signal.Length / downsample;
        var data = signal.Data;
        var vad = new float[nw];
        for (int w = 0; w < nw; w++)
        {
            float sum = 0f;
            for (int k = 0; k < downsample; k++) { float g = data[w * downsample + k]; sum += g * g; }
            vad[w] = sum / downsample;
        }

        float threshold = 0f;
        for (int w = 0; w < nw; w++) threshold += vad[w];
        threshold /= nw;

        float floor = 0f;
        for (int w = 0; w < nw; w++) if (vad[w] > floor) floor = vad[w];
        floor = floor > 0f ? floor * 1.0e-4f : 1.0f;
        for (int w = 0; w < nw; w++) if (vad[w] < floor) vad[w] = floor;

        float noise = 0f;
        for (int iteration = 0; iteration < 12; iteration++)
        {
            noise = 0f;
            float stdNoise = 0f;
            int count = 0;
            for (int w = 0; w < nw; w++) if (vad[w] <= threshold) { noise += vad[w]; count++; }
            if (count > 0)
            {
                noise /= count;
                for (int w = 0; w < nw; w++) if (vad[w] <= threshold) { float g = vad[w] - noise; stdNoise += g * g; }
                stdNoise = (float)Math.Sqrt(stdNoise / count);
            }
            threshold = 1.001f * (noise + 2.0f * stdNoise);
        }

        noise = 0f;
        float signalLevel = 0f;
        int speech = 0;
        for (int w = 0; w < nw; w++)
        {
            if (vad[w] > threshold) { signalLevel += vad[w]; speech++; }
            else noise += vad[w];
        }
        if (speech > 0) signalLevel /= speech; else threshold = -1.0f;
        if (speech < nw) noise /= nw - speech; else noise = 1.0f;

        // Negative = not speech (the magnitude is kept so decisions can be undone).
        for (int w = 0; w < nw; w++) if (vad[w] <= threshold) vad[w] = -vad[w];
        vad[0] = -floor;
        vad[nw - 1] = -floor;

        int start = 0, finish;
        for (int w = 1; w < nw; w++)
        {
            if (vad[w] > 0f && vad[w - 1] <= 0f) start = w;
            if (vad[w] <= 0f && vad[w - 1] > 0f)
            {
                finish = w;
                if (finish - start <= MinSpeechWindows)
                    for (int k = start; k < finish; k++) vad[k] = -vad[k];
            }
        }

        if (signalLevel >= noise * 1000.0f)
        {
            for (int w = 1; w < nw; w++)
            {
                if (vad[w] > 0f && vad[w - 1] <= 0f) start = w;
                if (vad[w] <= 0f && vad[w - 1] > 0f)
                {
                    finish = w;
                    float g = 0f;
                    for (int k = start; k < finish; k++) g += vad[k];
                    if (g < 3.0f * threshold * (finish - start))
                        for (int k = start; k < finish; k++) vad[k] = -vad[k];
                }
            }
        }

        start = 0; finish = 0;
        for (int w = 1; w < nw; w++)
        {
            if (vad[w] > 0f && vad[w - 1] <= 0f)
            {
                start = w;
                if (finish > 0 && start - finish <= JoinSpeechWindows)
                    for (int k = finish; k < start; k++) vad[k] = floor;
            }
            if (vad[w] <= 0f && vad[w - 1] > 0f) finish = w;
        }

        start = 0;
        for (int w = 1; w < nw; w++) if (vad[w] > 0f && vad[w - 1] <= 0f) start = w;
        if (start == 0)
        {
            for (int w = 0; w < nw; w++) vad[w] = Math.Abs(vad[w]);
            vad[0] = -floor;
            vad[nw - 1] = -floor;
        }

        int c = 3;
        while (c < nw - 2)
        {
            if (vad[c] > 0f && vad[c - 2] <= 0f)
            {
                vad[c - 2] = vad[c] * 0.1f;
                vad[c - 1] = vad[c] * 0.3f;
                c++;
            }
            if (vad[c] <= 0f && vad[c - 1] > 0f)
            {
                vad[c] = vad[c - 1] * 0.3f;
                vad[c + 1] = vad[c - 1] * 0.1f;
                c += 3;
            }
            c++;
        }

        for (int w = 0; w < nw; w++) if (vad[w] < 0f) vad[w] = 0f;

        if (threshold <= 0f) threshold = floor;
        var log = new float[nw];
        for (int w = 0; w < nw; w++) log[w] = vad[w] <= threshold ? 0f : (float)Math.Log(vad[w] / threshold);
        Vad = vad;
        LogVad = log;
    }
}
