namespace LatentAudio.Audio;

/// <summary>How the channels of an <see cref="AudioBuffer"/> are to be read.</summary>
public enum ChannelLayout
{
    Mono,
    Stereo,
    /// <summary>Any other count; channels are in file order.</summary>
    Discrete,
}

/// <summary>How to turn several channels into what a mono model consumes.</summary>
public enum ChannelMode
{
    /// <summary>Channel 0 only: what AudioLDM2's reference front-end does.</summary>
    First,
    /// <summary>The mean of all channels.</summary>
    Mix,
    /// <summary>Every channel on its own.</summary>
    Each,
}

public static class ChannelModeParser
{
    public static ChannelMode Parse(string text) => text.ToLowerInvariant() switch
    {
        "first" => ChannelMode.First,
        "mix" => ChannelMode.Mix,
        "each" => ChannelMode.Each,
        _ => throw new InvalidInputException($"unknown channel mode '{text}' (expected first, mix or each)"),
    };
}
