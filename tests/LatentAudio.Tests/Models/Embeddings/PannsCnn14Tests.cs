using System.Text.Json;
using LatentAudio.Audio;
using LatentAudio.Models.Embeddings.Panns;
using LatentAudio.Models.Pickle;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Models.Embeddings;

/// <summary>
/// PannsCnn14Embedder against audioldm_eval's own Cnn14 and WaveDataset (reference/panns/make_golden.py: a
/// reduced-width CNN14, widths 4..32, random weights and BatchNorm statistics, saved as PANNs saves a training
/// checkpoint, in torch's legacy format; Fixtures/panns/golden.json).
/// </summary>
public sealed class PannsCnn14Tests(ITestOutputHelper output)
{
    private static string Fixture(string name) => TestPaths.Fixtures("panns", name);
    private static readonly JsonElement Golden = JsonDocument.Parse(File.ReadAllText(Fixture("golden.json"))).RootElement;

    private static float[] Floats(JsonElement clip, string key) =>
        clip.GetProperty(key).EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static JsonElement Clip(string name) => Golden.GetProperty("clips").GetProperty(name);

    private static float MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }

    [Theory]
    [InlineData("clip_a.wav")] // 16 kHz stereo, 1.25 s: first channel, mean removal, padding to 32000
    [InlineData("clip_b.wav")] // 22.05 kHz mono, 2.5 s: mean removal, torchaudio resampling
    public void InputMatchesWaveDataset(string name)
    {
        var waveform = PannsInput.Prepare(AudioFile.Read(Fixture(name)));
        Assert.NotNull(waveform);
        float error = MaxAbsDifference(waveform, Floats(Clip(name), "waveform"));
        output.WriteLine($"{name}: waveform max |error| {error:E2}");
        Assert.True(error <= 1e-6f, $"waveform error {error}"); // measured 0 (A), 8.9e-8 (B, resampled)
    }

    [Theory]
    [InlineData("clip_a.wav")]
    [InlineData("clip_b.wav")]
    public void LogMelAndEmbeddingMatchAudioldmEval(string name)
    {
        var clip = Clip(name);
        using var embedder = PannsCnn14Embedder.Load(Fixture("tiny_cnn14_16k.pth"), null, withLogMel: true);
        var (embedding, logMel) = embedder.Run(Floats(clip, "waveform"));

        var shape = clip.GetProperty("logmel_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(shape, logMel!.Shape);
        float eMel = MaxAbsDifference(logMel.Data, Floats(clip, "logmel"));
        var expected = Floats(clip, "embedding");
        float eEmb = MaxAbsDifference(embedding, expected);
        output.WriteLine($"{name}: log-mel max |error| {eMel:E2} dB, embedding max |error| {eEmb:E2} (max |value| {expected.Max():F3})");
        Assert.True(eMel <= 1.5e-3f, $"log-mel error {eMel} dB");  // measured 1.45e-4 dB (A), 1.07e-4 (B)
        Assert.True(eEmb <= 2e-6f, $"embedding error {eEmb}");    // measured 1.2e-7 (A), 2.1e-7 (B); |values| <= 1.34
        Assert.Contains(expected, v => v > 0.1f); // the ReLU'd vector is not trivially zero
    }

    [Theory]
    [InlineData("clip_a.wav")]
    [InlineData("clip_b.wav")]
    public void EmbedFromFileMatchesAudioldmEval(string name)
    {
        using var embedder = PannsCnn14Embedder.Load(Fixture("tiny_cnn14_16k.pth"));
        var vectors = embedder.Embed(AudioFile.Read(Fixture(name)));
        var vector = Assert.Single(vectors);
        float error = MaxAbsDifference(vector, Floats(Clip(name), "embedding"));
        output.WriteLine($"{name}: file -> embedding max |error| {error:E2}");
        Assert.True(error <= 2e-6f, $"embedding error {error}"); // measured 1.2e-7 (A and B)
    }

    [Fact]
    public void Loads_TheTrainingCheckpoint_WithItsNumpySampler()
    {
        var path = Fixture("tiny_cnn14_16k.pth");
        using var embedder = PannsCnn14Embedder.Load(path);
        Assert.Equal("panns", embedder.Name);
        Assert.Equal(16000, embedder.SampleRate);
        Assert.Equal(32, embedder.Dimension);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path))), embedder.WeightsSha256);
        Assert.Empty(embedder.Embed(AudioBuffer.Mono([], 16000)));
    }

    [Fact]
    public void FullSizeLayout_IsAudioldmEvalsStateDict()
    {
        // Fixtures/panns/cnn14_16k_keys.json: state_dict() of audioldm_eval's Cnn14 with eval.py's 16 kHz arguments.
        var keys = JsonDocument.Parse(File.ReadAllText(Fixture("cnn14_16k_keys.json"))).RootElement.GetProperty("keys")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray());
        var layout = new Cnn14Layout([64, 128, 256, 512, 1024, 2048]);
        var expected = layout.Expected().ToDictionary(e => e.Name, e => e.Shape);
        foreach (var (name, shape) in expected)
        {
            Assert.True(keys.ContainsKey(name), $"{name} is not in audioldm_eval's Cnn14");
            Assert.Equal(keys[name], shape);
        }
        // Everything else is unused by the 2048-d feature: the BatchNorm counters and the classifier.
        var unread = keys.Keys.Except(expected.Keys).ToList();
        Assert.All(unread, k => Assert.True(k.EndsWith(".num_batches_tracked") || k.StartsWith("fc_audioset."), k));
        Assert.Equal(2048, layout.EmbeddingSize);
        Assert.Equal(69, expected.Count); // 3 front end + 4 bn0 + 6 x (2 convs + 2 x 4 BatchNorm) + 2 fc1
    }

    [Fact]
    public void NumpyPolicy_StillRefusesEverythingElse()
    {
        var policy = new NumpyPlaceholderPolicy(new TorchPicklePolicy());
        Assert.IsType<NumpyPlaceholder>(policy.Reduce(policy.FindGlobal("numpy.core.multiarray", "_reconstruct"), []));
        Assert.Throws<PickleRefusedException>(() => policy.FindGlobal("builtins", "eval"));
        Assert.Throws<PickleRefusedException>(() => policy.FindGlobal("numpy", "load"));
        Assert.Throws<PickleRefusedException>(() => policy.FindGlobal("numpy.core.multiarray", "ndarray_eval"));
    }

    [Fact]
    public void Weights_AreAudioldmEvalsDownload()
    {
        Assert.Equal("https://zenodo.org/record/3987831/files/Cnn14_16k_mAP%3D0.438.pth", PannsCnn14Embedder.Weights.Url.OriginalString);
        Assert.Equal("Cnn14_16k_mAP=0.438.pth", PannsCnn14Embedder.Weights.FileName);
    }
}
