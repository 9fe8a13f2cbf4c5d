using System.Diagnostics;
using LatentAudio;
using LatentAudio.Fuzz;
using LatentAudio.Tests.Reliability;

// latentaudio fuzz harness (issue 8).
//   afl TARGET                          run under afl-fuzz (SharpFuzz out-of-process loop)
//   mutate TARGET SECONDS CORPUS [SEED] in-process seeded mutation fuzzing (no AFL needed); findings to fuzz/findings
//   replay TARGET FILE|DIR...           check the contract on given inputs
//   seed-codec FILE                     write a small latent file (the codec target's seed)
if (args.Length == 2 && args[0] == "seed-codec") { CodecSeed.Write(args[1]); return 0; }
if (args.Length < 2) { Console.Error.WriteLine("usage: LatentAudio.Fuzz afl|mutate|replay TARGET ..."); return 2; }
using var targets = new ParserTargets();
var target = targets[args[1]];
switch (args[0])
{
    case "afl":
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            var input = ms.ToArray();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { target.Run(input); }
            catch (InvalidInputException) { }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // AFL sees crashes only: an allocation past the contract becomes one (hangs are afl-fuzz -t 1000).
            if (allocated > ParserContract.AllocationLimit(input.Length))
                throw new InsufficientExecutionStackException($"allocated {allocated} bytes for a {input.Length}-byte input");
        });
        return 0;
    case "mutate":
        return Mutate(target, double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3], args.Length > 4 ? int.Parse(args[4]) : 1);
    case "replay":
        int bad = 0;
        foreach (var path in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.GetFiles(p, "*", SearchOption.AllDirectories) : [p]))
            if (ParserContract.Check(target, File.ReadAllBytes(path)) is { } f) { bad++; Console.WriteLine($"{path}: {f}"); }
        Console.WriteLine($"replay {target.Name}: {bad} findings");
        return bad == 0 ? 0 : 1;
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 2;
}

static int Mutate(ParserTarget target, double seconds, string corpusDir, int seed)
{
    var corpus = Directory.GetFiles(corpusDir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
    if (corpus.Count == 0) { Console.Error.WriteLine($"{corpusDir}: empty corpus"); return 2; }
    var mutator = new ByteMutator(seed);
    var findingsDir = Path.Combine("fuzz", "findings", target.Name);
    var outcomes = new HashSet<string>(StringComparer.Ordinal); // distinct error messages: a coarse stand-in for AFL's paths
    var clock = Stopwatch.StartNew();
    long execs = 0, findings = 0;
    var nextReport = TimeSpan.FromSeconds(30);
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        var input = mutator.Mutate(corpus[(int)(execs % corpus.Count)], corpus);
        execs++;
        bool accepted = true;
        if (ParserContract.Check(target, input, m => { accepted = false; outcomes.Add(Shape(m)); }) is { } f)
        {
            findings++;
            Directory.CreateDirectory(findingsDir);
            var file = Path.Combine(findingsDir, $"{f.Kind}-{execs}.bin");
            File.WriteAllBytes(file, input);
            Console.WriteLine($"FINDING {f} -> {file}");
        }
        else if (accepted) outcomes.Add("accepted");
        if (clock.Elapsed > nextReport) { Console.WriteLine($"  {target.Name}: {execs} execs, {outcomes.Count} outcomes, {findings} findings"); nextReport += TimeSpan.FromSeconds(30); }
    }
    Console.WriteLine($"{target.Name}: executions {execs}, distinct outcomes {outcomes.Count}, findings {findings}, {execs / clock.Elapsed.TotalSeconds:0} exec/s (seed {seed})");
    return findings == 0 ? 0 : 1;

    // error messages with their numbers removed: one per kind of rejection
    static string Shape(string m) => new(m.Select(c => char.IsDigit(c) ? '#' : c).ToArray());
}
