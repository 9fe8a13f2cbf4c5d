namespace LatentAudio.Audio;

/// <summary>
/// Audio samples with their rate and channel layout: the one value that flows through the pipeline.
/// Samples are planar float32 in [-1, 1] nominal scale (int16 / 32768 for PCM, as soundfile and torchaudio read them).
/// The channel arrays are owned by the buffer; callers must not mutate what they get from <see cref="Channel"/>.
/// </summary>
public sealed class AudioBuffer
{
    private readonly float[][] _channels;

    public AudioBuffer(float[][] channels, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0) throw new InvalidInputException("audio has zero channels");
        if (sampleRate <= 0) throw new InvalidInputException($"invalid sample rate {sampleRate}");
        int n = channels[0].Length;
        foreach (var c in channels)
            if (c.Length != n) throw new ArgumentException("all channels must have the same length");
        _channels = channels;
        SampleRate = sampleRate;
    }

    /// <summary>A mono buffer around <paramref name="samples"/> (not copied).</summary>
    public static AudioBuffer Mono(float[] samples, int sampleRate) => new([samples], sampleRate);

    public int SampleRate { get; }
    public int ChannelCount => _channels.Length;
    /// <summary>Samples per channel.</summary>
    public int Length => _channels[0].Length;
    public double DurationSeconds => (double)Length / SampleRate;
    public ChannelLayout Layout => ChannelCount switch { 1 => ChannelLayout.Mono, 2 => ChannelLayout.Stereo, _ => ChannelLayout.Discrete };

    public float[] Channel(int index) => _channels[index];
    public IReadOnlyList<float[]> Channels => _channels;

    /// <summary>Channel 0 or the channel mean, as one mono buffer.</summary>
    /// <summary>Every channel resampled to <paramref name="toRate"/> (torchaudio's sinc design, <see cref="Dsp.Resampler"/>); this buffer when the rate is already that.</summary>
    public AudioBuffer Resample(int toRate)
    {
        if (SampleRate == toRate) return this;
        var r = new Dsp.Resampler(SampleRate, toRate);
        return new AudioBuffer(_channels.Select(c => r.Process(c)).ToArray(), toRate);
    }

    public AudioBuffer ToMono(ChannelMode mode)
    {
        if (ChannelCount == 1) return this;
        return mode switch
        {
            ChannelMode.First => Mono(_channels[0], SampleRate),
            ChannelMode.Mix => Mono(MixDown(), SampleRate),
            _ => throw new ArgumentException("ToMono takes First or Mix; Each keeps every channel"),
        };
    }

    /// <summary>The buffers a model runs on: one per channel for Each, else a single mono one.</summary>
    public IReadOnlyList<AudioBuffer> Split(ChannelMode mode) =>
        mode == ChannelMode.Each
            ? _channels.Select(c => Mono(c, SampleRate)).ToArray()
            : [ToMono(mode)];

    private float[] MixDown()
    {
        var mix = new double[Length];
        foreach (var c in _channels)
            for (int i = 0; i < mix.Length; i++) mix[i] += c[i];
        var result = new float[Length];
        double inv = 1.0 / ChannelCount;
        for (int i = 0; i < mix.Length; i++) result[i] = (float)(mix[i] * inv);
        return result;
    }

    /// <summary>Samples [start, start+count) of every channel, clamped to the buffer.</summary>
    public AudioBuffer Slice(int start, int count)
    {
        start = Math.Clamp(start, 0, Length);
        count = Math.Clamp(count, 0, Length - start);
        return new AudioBuffer(_channels.Select(c => c.AsSpan(start, count).ToArray()).ToArray(), SampleRate);
    }

    public float Peak()
    {
        float p = 0;
        foreach (var c in _channels)
            foreach (var v in c) p = Math.Max(p, Math.Abs(v));
        return p;
    }

    public double Rms()
    {
        double s = 0;
        foreach (var c in _channels)
            foreach (var v in c) s += (double)v * v;
        long n = (long)Length * ChannelCount;
        return n == 0 ? 0 : Math.Sqrt(s / n);
    }

    /// <summary>Throws if any sample is NaN or infinite (checked once at the door, so later stages never see them).</summary>
    public void EnsureFinite(string source)
    {
        for (int c = 0; c < _channels.Length; c++)
        {
            var span = _channels[c];
            for (int i = 0; i < span.Length; i++)
                if (!float.IsFinite(span[i]))
                    throw InvalidInputException.ForFile(source, $"sample {i} of channel {c} is {span[i]} (NaN/Inf samples are not audio)");
        }
    }

    /// <summary>Interleaved copy (frame-major), as WAV stores it.</summary>
    public float[] Interleave()
    {
        int ch = ChannelCount, n = Length;
        var result = new float[(long)n * ch];
        for (int c = 0; c < ch; c++)
        {
            var src = _channels[c];
            for (int i = 0; i < n; i++) result[(long)i * ch + c] = src[i];
        }
        return result;
    }

    public static AudioBuffer FromInterleaved(ReadOnlySpan<float> interleaved, int channels, int sampleRate)
    {
        if (channels <= 0) throw new InvalidInputException("audio has zero channels");
        int n = interleaved.Length / channels;
        var planar = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            var dst = new float[n];
            for (int i = 0; i < n; i++) dst[i] = interleaved[i * channels + c];
            planar[c] = dst;
        }
        return new AudioBuffer(planar, sampleRate);
    }
}
