using LatentAudio.Dsp;

namespace LatentAudio.Models.Original;

/// <summary>
/// What an original AudioLDM/AudioLDM2 checkpoint does not store and the original code takes from its family's
/// config: the mel front-end, the vocoder's upsample rates, kernel sizes and dilations. The original picks the
/// vocoder config by the number of mel bins alone (haoheliu/AudioLDM2@b5786c5 audioldm2/utilities/model.py
/// get_vocoder: "if mel_bins == 64" the 16 kHz config, else the 48 kHz one), and so does <see cref="ForMelBins"/>.
/// </summary>
public sealed record OriginalFamily(string Name, MelConfig Mel, int[] UpsampleRates, int[] UpsampleKernelSizes,
    int[] ResblockKernelSizes, int[][] ResblockDilationSizes)
{
    /// <summary>audioldm2/utilities/model.py get_vocoder_config (@b5786c5) with utils.py get_basic_config's mel.</summary>
    public static OriginalFamily AudioLdm16k { get; } = new("16 kHz", MelConfig.AudioLdm16k,
        [5, 4, 2, 2, 2], [16, 16, 8, 4, 4], [3, 7, 11], [[1, 3, 5], [1, 3, 5], [1, 3, 5]]);

    /// <summary>audioldm2/utilities/model.py get_vocoder_config_48k (@b5786c5) with utils.py get_audioldm_48k_config's mel.</summary>
    public static OriginalFamily AudioLdm48k { get; } = new("48 kHz", MelConfig.AudioLdm48k,
        [6, 5, 4, 2, 2], [12, 10, 8, 4, 4], [3, 7, 11, 15], [[1, 3, 5], [1, 3, 5], [1, 3, 5], [1, 3, 5]]);

    public static OriginalFamily ForMelBins(int melBins) => melBins == AudioLdm16k.Mel.NMels ? AudioLdm16k : AudioLdm48k;
}
