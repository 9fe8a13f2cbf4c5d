using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The input again, for the input file and the metrics' reference: a third pass over the source, read as the
/// outputs become final, normalised with the measured levels exactly as the encoder normalised it.
/// </summary>
internal sealed class InputTrack : IDisposable
{
    private readonly ModelRateReader _reader;
    private readonly RollingSamples[] _raw;
    private readonly EncoderInput _input;
    private readonly IMelFrontEnd _frontEnd;

    public InputTrack(AudioSource source, EncoderInput input, IMelFrontEnd frontEnd, bool writesRaw)
    {
        _input = input; _frontEnd = frontEnd; WritesRaw = writesRaw;
        _raw = Enumerable.Range(0, input.Levels.Length).Select(_ => new RollingSamples()).ToArray();
        _reader = new ModelRateReader(source.Open(), source.Name, input.Mode, input.Frames, frontEnd.SampleRate, (s, x) => _raw[s].Append(x));
    }

    /// <summary>The input file holds the samples as read (gain restored) rather than as the model saw them.</summary>
    public bool WritesRaw { get; }

    public (float[][] Raw, float[][] Normalized) Take(int count)
    {
        while (_raw[0].Count < count)
            if (!_reader.Fill()) throw new LatentAudioException("the input ended early on a later read (was it changed meanwhile?)");
        var raw = new float[_raw.Length][];
        var normalized = new float[_raw.Length][];
        for (int s = 0; s < _raw.Length; s++)
        {
            raw[s] = _raw[s].Slice(_raw[s].Start, _raw[s].Start + count).ToArray();
            normalized[s] = new float[count];
            _frontEnd.NormalizeBlock(raw[s], _input.Levels[s].Mean, _input.Levels[s].Scale, normalized[s]);
            _raw[s].DropBefore(_raw[s].Start + count);
        }
        return (raw, normalized);
    }

    public void Dispose() => _reader.Dispose();
}
