namespace LatentAudio.Metrics;

/// <summary>Which PESQ variant to run.</summary>
public enum PesqMode
{
    /// <summary>ITU-T P.862 (IRS receive filter, handset listening), reported as MOS-LQO by the P.862.1 mapping. 8 or 16 kHz.</summary>
    NarrowBand,
    /// <summary>ITU-T P.862.2 (wide-band input filter, headphone listening), reported by the P.862.2 mapping. 16 kHz only.</summary>
    WideBand,
}
