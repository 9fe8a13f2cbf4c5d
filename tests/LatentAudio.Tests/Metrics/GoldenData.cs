using System.Text.Json;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Metrics;

/// <summary>Fixtures/metrics: the golden pairs and expected.json (copied from shared/golden/metrics).</summary>
internal static class GoldenData
{
    private static readonly Lazy<JsonElement> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("metrics", "expected.json"))).RootElement);

    public static JsonElement Root => Expected.Value;

    public static IEnumerable<JsonElement> Pairs => Root.GetProperty("pairs").EnumerateArray();

    public static JsonElement Pair(string id) => Pairs.First(p => p.GetProperty("id").GetString() == id);

    public static IEnumerable<object[]> PairIds => Pairs.Select(p => new object[] { p.GetProperty("id").GetString()! });

    public static AudioBuffer Wav(string name) => AudioFile.Read(TestPaths.Fixtures("metrics", "pairs", name));

    public static (AudioBuffer Ref, AudioBuffer Deg) Load(string id)
    {
        var p = Pair(id);
        return (Wav(p.GetProperty("ref").GetString()!), Wav(p.GetProperty("deg").GetString()!));
    }

    public static double Value(string id, string key) => Pair(id).GetProperty(key).GetDouble();
}
