namespace LatentAudio.Metrics;

/// <summary>The knobs the reference command line exposes that matter for scores; defaults are the reference defaults.</summary>
public sealed record VisqolOptions
{
    /// <summary>Patch search radius in patches (google/visqol `commandline_parser.cc`: `--search_window_radius`, default 60).</summary>
    public int SearchWindowRadius { get; init; } = 60;

    /// <summary>Speech mode only: the raw exponential fit (NSIM 1.0 gives about 4.02) instead of the one scaled so NSIM 1.0 gives 5.0
    /// (reference flag `--use_unscaled_speech_mos_mapping`).</summary>
    public bool UnscaledSpeechMapping { get; init; }

    public static VisqolOptions Default { get; } = new();
}
