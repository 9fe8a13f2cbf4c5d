using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>The first seconds of channel 0 of the input and every output, kept for the report's images and players.</summary>
internal sealed class ReportExcerpt(int length)
{
    private readonly float[] _raw = new float[length];
    private readonly Dictionary<string, float[]> _normalized = new();
    private int _filled;

    public int Length => length;

    public void Add(float[] raw, float[] normalizedInput, IReadOnlyDictionary<string, float[]> outputs, int count)
    {
        int take = Math.Min(count, length - _filled);
        if (take <= 0) return;
        raw.AsSpan(0, take).CopyTo(_raw.AsSpan(_filled));
        Copy(OutputNames.Input, normalizedInput);
        foreach (var (name, y) in outputs) Copy(name, y);
        _filled += take;

        void Copy(string name, float[] from)
        {
            if (!_normalized.TryGetValue(name, out var to)) _normalized[name] = to = new float[length];
            from.AsSpan(0, take).CopyTo(to.AsSpan(_filled));
        }
    }

    /// <summary>Model-domain log-mels (too-short inputs get none).</summary>
    public IReadOnlyDictionary<string, Tensors.Tensor> Mels(AudioLdmFrontEnd frontEnd, IReadOnlyList<string> names)
    {
        var mels = new Dictionary<string, Tensors.Tensor>();
        if (length <= frontEnd.Config.NFft / 2) return mels;
        foreach (var name in names.Prepend(OutputNames.Input)) mels[name] = frontEnd.LogMel(_normalized[name]);
        return mels;
    }

    /// <summary>Audio at the files' gain (<paramref name="restore"/> null: the model's level).</summary>
    public IReadOnlyDictionary<string, AudioBuffer> Previews(IReadOnlyList<string> names, StreamLevel? restore, int rate)
    {
        var previews = new Dictionary<string, AudioBuffer>
        {
            [OutputNames.Input] = AudioBuffer.Mono(restore is null ? _normalized[OutputNames.Input] : _raw, rate),
        };
        foreach (var name in names)
        {
            var y = _normalized[name];
            if (restore is not null) y = new NormalizedAudio([], restore.Mean, restore.Scale).Restore(y);
            previews[name] = AudioBuffer.Mono(y, rate);
        }
        return previews;
    }
}
