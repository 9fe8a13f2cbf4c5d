using System.Diagnostics;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// CI half of the fuzzing (issue 8): every corpus and regression input, then a seeded, time-bounded mutation run,
/// through each parser target; only a value or <see cref="InvalidInputException"/> may come out.
/// </summary>
public class FuzzReplayTests(ITestOutputHelper output)
{
    /// <summary>Mutated inputs per target in CI; LATENTAUDIO_FUZZ_ITERATIONS raises it for a local run.</summary>
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("LATENTAUDIO_FUZZ_ITERATIONS"), out var n) ? n : 3000;
    /// <summary>Wall-clock bound per target, so eleven targets stay near 10 s on a loaded machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(Environment.GetEnvironmentVariable("LATENTAUDIO_FUZZ_ITERATIONS") is null ? 0.9 : 3600);

    [Theory]
    [MemberData(nameof(FuzzCorpus.Targets), MemberType = typeof(FuzzCorpus))]
    public void CorpusAndRegressionsKeepTheContract(string name)
    {
        using var targets = new ParserTargets();
        var corpus = FuzzCorpus.Load(name);
        Assert.NotEmpty(corpus);
        var findings = corpus.Select(c => (c.Name, Finding: ParserContract.Check(targets[name], c.Bytes)))
            .Where(x => x.Finding is not null).Select(x => $"{x.Name}: {x.Finding}").ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Theory]
    [MemberData(nameof(FuzzCorpus.Targets), MemberType = typeof(FuzzCorpus))]
    public void SeededMutationsKeepTheContract(string name)
    {
        using var targets = new ParserTargets();
        var target = targets[name];
        var seeds = FuzzCorpus.Load(name).Select(c => c.Bytes).ToList();
        var mutator = new ByteMutator(seed: 20261126 + name.Sum(c => (int)c)); // string hashes are randomised per process
        var clock = Stopwatch.StartNew();
        int runs = 0;
        var findings = new List<ContractFinding>();
        while (runs < Iterations && clock.Elapsed < Budget)
        {
            var input = mutator.Mutate(seeds[runs % seeds.Count], seeds);
            if (ParserContract.Check(target, input) is { } f) findings.Add(f);
            runs++;
        }
        output.WriteLine($"{name}: {runs} mutated inputs in {clock.Elapsed.TotalSeconds:0.0} s, {findings.Count} findings");
        foreach (var f in findings.Take(3)) output.WriteLine($"  {f} input={Convert.ToBase64String(f.Input[..Math.Min(f.Input.Length, 512)])}");
        Assert.True(findings.Count == 0, string.Join("\n", findings.Take(5)));
    }
}
