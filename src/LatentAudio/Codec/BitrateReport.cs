using System.Globalization;

namespace LatentAudio.Codec;

/// <summary>
/// The three bitrates of one encoded file (notes/codec-and-cli-lessons.md §9) plus compression ratios:
/// nominal = float32 latent values/s × 32; empirical entropy = zero-order per-latent-channel entropy of the
/// quantised integers fitted on this file (excludes side information; the coder's frame predictor can go below it); actual = 8 × file bytes
/// (header, tables, framing and CRCs included) ÷ duration.
/// </summary>
public sealed record BitrateReport(
    double DurationSeconds,
    int InputSampleRate,
    int InputChannels,
    int CodedStreams,
    long LatentValues,
    double NominalValuesPerSecond,
    double EntropyBits,
    long HeaderBytes,
    long FileBytes,
    long ZstdBytes)
{
    /// <summary>32 bits × the latent's value rate (3,200 values/s per coded stream for AudioLDM2 at 16 kHz).</summary>
    public double NominalFloat32Kbps => NominalValuesPerSecond * 32.0 / 1000;
    public double EntropyBitsPerValue => LatentValues > 0 ? EntropyBits / LatentValues : 0;
    public double EntropyKbps => EntropyBits / DurationSeconds / 1000;
    public double ActualKbps => FileBytes * 8.0 / DurationSeconds / 1000;
    public double PayloadKbps => (FileBytes - HeaderBytes) * 8.0 / DurationSeconds / 1000;
    /// <summary>zstd (level 19) on the same integers as int16 LE, no header: the generic-compressor baseline.</summary>
    public double ZstdKbps => ZstdBytes * 8.0 / DurationSeconds / 1000;
    public double InputPcm16Kbps => InputSampleRate * InputChannels * 16.0 / 1000;
    public double RatioVsInputPcm16 => InputPcm16Kbps / ActualKbps;
    /// <summary>Against 16 kHz mono 16-bit PCM (256 kb/s): AudioLDM2's input format, kept as a fixed yardstick for every model.</summary>
    public double RatioVs16kMonoPcm16 => 256.0 / ActualKbps;
    /// <summary>The rate the model codes (its front-end's); 16 kHz unless the codec says otherwise.</summary>
    public int ModelSampleRate { get; init; } = 16000;
    /// <summary>Mono 16-bit PCM at the model's rate (256 kb/s at 16 kHz, 768 kb/s at 48 kHz).</summary>
    public double ModelMonoPcm16Kbps => ModelSampleRate * 16.0 / 1000;
    public double RatioVsModelMonoPcm16 => ModelMonoPcm16Kbps / ActualKbps;

    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"""
        duration {DurationSeconds:0.###} s, {InputChannels} ch @ {InputSampleRate} Hz in, {CodedStreams} coded stream(s), {LatentValues} latent values
          nominal float32 latent  {NominalFloat32Kbps,9:0.###} kbps
          empirical entropy       {EntropyKbps,9:0.###} kbps ({EntropyBitsPerValue:0.####} bits/value, fitted on this file)
          actual file             {ActualKbps,9:0.###} kbps ({FileBytes} bytes incl. {HeaderBytes}-byte header; payload {PayloadKbps:0.###} kbps)
          zstd -19 same integers  {ZstdKbps,9:0.###} kbps ({ZstdBytes} bytes)
          compression ratio       {RatioVsInputPcm16:0.#}:1 vs 16-bit PCM of the input ({InputPcm16Kbps:0.#} kbps), {RatioVs16kMonoPcm16:0.#}:1 vs 16 kHz mono PCM (256 kbps){(ModelSampleRate == 16000 ? "" : $", {RatioVsModelMonoPcm16:0.#}:1 vs mono PCM at the model's {ModelSampleRate} Hz ({ModelMonoPcm16Kbps:0.#} kbps)")}
        """);

    public Dictionary<string, object> ToDictionary() => new()
    {
        ["duration_s"] = DurationSeconds, ["input_sample_rate"] = InputSampleRate, ["input_channels"] = InputChannels,
        ["coded_streams"] = CodedStreams, ["latent_values"] = LatentValues,
        ["nominal_float32_kbps"] = NominalFloat32Kbps, ["entropy_kbps"] = EntropyKbps, ["entropy_bits_per_value"] = EntropyBitsPerValue,
        ["actual_kbps"] = ActualKbps, ["payload_kbps"] = PayloadKbps, ["file_bytes"] = FileBytes, ["header_bytes"] = HeaderBytes,
        ["zstd_kbps"] = ZstdKbps, ["zstd_bytes"] = ZstdBytes,
        ["ratio_vs_input_pcm16"] = RatioVsInputPcm16, ["ratio_vs_16k_mono_pcm16"] = RatioVs16kMonoPcm16,
        ["model_sample_rate"] = ModelSampleRate, ["ratio_vs_model_mono_pcm16"] = RatioVsModelMonoPcm16,
    };
}
