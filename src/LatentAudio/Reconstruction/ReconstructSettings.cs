using LatentAudio.Audio;

namespace LatentAudio.Reconstruction;

/// <summary>Which back-ends turn mels into audio.</summary>
public enum DecoderChoice { Vocoder, GriffinLim, All }

/// <summary>Whether outputs keep the model's peak-0.5 level or are brought back to the input's level.</summary>
public enum GainMode { Restore, Model }

public enum OutputRate { Model, Input }

/// <summary>Everything that shapes one reconstruction run; recorded verbatim in metrics.json.</summary>
public sealed record ReconstructSettings
{
    public DecoderChoice Decoder { get; init; } = DecoderChoice.Vocoder;
    public ChannelMode Channels { get; init; } = ChannelMode.Each;
    public GainMode Gain { get; init; } = GainMode.Restore;
    public OutputRate OutputRate { get; init; } = OutputRate.Model;
    public WavSampleFormat Format { get; init; } = WavSampleFormat.Pcm16;
    /// <summary>Decode a seeded sample of the posterior instead of its mean.</summary>
    public bool SamplePosterior { get; init; }
    public int Seed { get; init; }
    /// <summary>10.24 s: the clip length AudioLDM2 was trained on (1024 frames of 10 ms).</summary>
    public double WindowSeconds { get; init; } = 10.24;
    /// <summary>Default overlap between windows: 1.28 s (128 frames, 32 latent frames).</summary>
    public double OverlapSeconds { get; init; } = 1.28;
    public int GriffinLimIterations { get; init; } = 32;
    /// <summary>Keep the first <see cref="Reconstructor.ExcerptSeconds"/> of channel 0 of every output for the report's
    /// players and spectrogram images (<see cref="ReconstructionReport.Previews"/>, <see cref="ReconstructionReport.Mels"/>).
    /// Off for a study, which writes no report: the copies and the log-mels are then not computed. Changes no metric.</summary>
    public bool ReportExcerpts { get; init; } = true;
    public double OffsetSeconds { get; init; }
    public double? Seconds { get; init; }

    public bool UsesVocoder => Decoder is DecoderChoice.Vocoder or DecoderChoice.All;
    public bool UsesGriffinLim => Decoder is DecoderChoice.GriffinLim or DecoderChoice.All;
}

/// <summary>The names of the files a reconstruction writes, and what each one means.</summary>
public static class OutputNames
{
    public const string Input = "input";
    public const string VaeVocoder = "vae_vocoder";
    public const string OracleVocoder = "oracle_vocoder";
    public const string VaeGriffinLim = "vae_griffinlim";
    public const string OracleGriffinLim = "oracle_griffinlim";

    public static string Describe(string name) => name switch
    {
        Input => "the input at the model's rate, trimmed, at the outputs' gain",
        VaeVocoder => "mel -> VAE encode -> decode -> the model's HiFi-GAN (the real reconstruction)",
        OracleVocoder => "mel -> HiFi-GAN, no VAE (front-end + vocoder loss only)",
        VaeGriffinLim => "mel -> VAE -> Griffin-Lim (the usual home-made method)",
        OracleGriffinLim => "mel -> Griffin-Lim, no VAE (what replacing the vocoder costs)",
        _ => name,
    };
}
