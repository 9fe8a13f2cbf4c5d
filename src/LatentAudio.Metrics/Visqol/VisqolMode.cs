namespace LatentAudio.Metrics;

/// <summary>Which ViSQOL v3 variant to run (Chinen et al. 2020, "ViSQOL v3", QoMEX).</summary>
public enum VisqolMode
{
    /// <summary>Full-band audio at 48 kHz: 32 gammatone bands, SVR mapping of the per-band NSIM to MOS-LQO.</summary>
    Audio,
    /// <summary>Speech: 21 bands up to 8 kHz, voice-activity-selected patches, exponential NSIM-to-MOS fit.</summary>
    Speech,
}
