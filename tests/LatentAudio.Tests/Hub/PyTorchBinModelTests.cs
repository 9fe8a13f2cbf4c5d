using LatentAudio.Models.Safetensors;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Hub;

/// <summary>A vocoder folder holding only pytorch_model.bin (some hub repos) loads through the restricted unpickler.</summary>
public class PyTorchBinModelTests
{
    [Fact]
    public void BinOnlyVocoderGivesTheSameWaveformAsSafetensors()
    {
        using var dir = new TestPaths.TempDir();
        var source = TestPaths.Fixtures("models", "vocoder", "normalize_false", "model");
        var binFolder = Path.Combine(dir.Path, "vocoder");
        Directory.CreateDirectory(binFolder);
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(binFolder, "config.json"));

        // The state dict as torch.save writes it: an OrderedDict of _rebuild_tensor_v2 over float storages.
        var storages = new Dictionary<string, byte[]>();
        var p = new PickleWriter().Proto(2).EmptyOrderedDict().Put(0).Op('(');
        using (var st = SafetensorsFile.Open(Path.Combine(source, HifiGanVocoder.WeightsFile)))
        {
            int key = 0;
            foreach (var (name, entry) in st.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var values = st.ReadFloats(name);
                var shape = entry.Shape.Select(d => (long)d).ToArray();
                var stride = new long[shape.Length];
                long s = 1;
                for (int i = shape.Length - 1; i >= 0; i--) { stride[i] = s; s *= shape[i]; }
                p.Str(name).Tensor("FloatStorage", key.ToString(), values.Length, 0, shape, stride);
                storages[key.ToString()] = TorchZipBuilder.Floats(values);
                key++;
            }
        }
        p.Op('u').Op('.');
        TorchZipBuilder.Write(Path.Combine(binFolder, HifiGanVocoder.PyTorchWeightsFile), p.Bytes, storages);

        var mel = NpyFile.Read(TestPaths.Fixtures("models", "vocoder", "normalize_false", "T7", "input.npy"));
        using var fromBin = HifiGanVocoder.Load(binFolder);
        using var fromSafetensors = HifiGanVocoder.Load(source);
        var a = fromBin.Vocode(mel);
        var b = fromSafetensors.Vocode(mel);
        Assert.Equal(0f, a.MaxAbsDifference(b));
    }
}
