namespace LatentAudio.Engine;

/// <summary>A latent block in channel-major order [Channels, Frames, Rows] (one window's own frames, batch dropped).</summary>
public sealed record LatentBlock(float[] Values, int Channels, int Frames, int Rows)
{
    public int ValuesPerChannel => Frames * Rows;
}

/// <summary>
/// The shape of a windowed latent: how many streams (coded channels), the VAE's latent channels and downsampling,
/// the mel it decodes to, and the window plan. A latent file's header carries one; <c>reconstruct</c> builds one.
/// </summary>
public sealed record LatentLayout(int Streams, int LatentChannels, int Downsample, int MelBins, int MelFrames, int WindowMelFrames, int OverlapMelFrames)
{
    public int LatentRows => MelBins / Downsample;
    public int LatentFrames => MelFrames / Downsample;
    public LatentWindowPlan Plan() => new(LatentFrames, WindowMelFrames / Downsample, OverlapMelFrames / Downsample);
}
