using LatentAudio.Audio;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;
using LatentAudio.Study;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Study;

/// <summary>A study runs the chain without the report's excerpts (it writes no report.html): they cost time per item
/// and change no number.</summary>
public class StudyChainTests
{
    [Fact]
    public void EvaluateRunsTheChainWithoutReportExcerptsAndTheMetricsAreTheSame()
    {
        var settings = new EvaluationSettings { Models = ["m"], Reconstruct = new ReconstructSettings { Decoder = DecoderChoice.All } };
        var chain = ItemEvaluator.ChainSettings(settings);
        Assert.False(chain.ReportExcerpts);
        Assert.True(settings.Reconstruct.ReportExcerpts);             // what reconstruct uses is untouched
        Assert.Equal(settings.Reconstruct with { ReportExcerpts = false }, chain);

        using var folder = new TinyModel();
        using var model = AudioLdmModel.Load(folder.Folder, ModelParts.All);
        var audio = AudioFile.Read(TestPaths.Samples("speech_libri1.wav"), 0, 1.0);
        var metrics = ReconstructionMetrics.Create(["snr", "lsd"]);
        var with = new Reconstructor(model, settings.Reconstruct with { GriffinLimIterations = 2 }, metrics).Run(AudioSource.Memory(audio), new MemorySink());
        var without = new Reconstructor(model, chain with { GriffinLimIterations = 2 }, metrics).Run(AudioSource.Memory(audio), new MemorySink());
        Assert.NotEmpty(with.Previews);
        Assert.NotEmpty(with.Mels);
        Assert.Empty(without.Previews);
        Assert.Empty(without.Mels);
        Assert.Equal(with.Outputs.Select(o => o.Name), without.Outputs.Select(o => o.Name));
        foreach (var (a, b) in with.Outputs.Zip(without.Outputs))
            foreach (var key in new[] { "snr", "lsd" })
                Assert.Equal(a.Metrics[key].Value, b.Metrics[key].Value);
    }
}
