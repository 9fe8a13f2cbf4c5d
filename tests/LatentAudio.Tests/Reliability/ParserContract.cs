using System.Diagnostics;

namespace LatentAudio.Tests.Reliability;

/// <summary>A breach of the parser contract: what went wrong, for which input.</summary>
public sealed record ContractFinding(string Target, string Kind, string Detail, byte[] Input)
{
    public override string ToString() => $"{Target}: {Kind}: {Detail} ({Input.Length}-byte input)";
}

/// <summary>
/// The contract every fuzz target checks (issue 8): the parser returns or throws <see cref="InvalidInputException"/>;
/// any other exception, a run over <see cref="TimeLimit"/>, or more allocation than the input justifies is a finding.
/// </summary>
public static class ParserContract
{
    /// <summary>
    /// A hang is an endless loop, so any bound catches it; AFL keeps its own 1 s timeout (fuzz/run.sh). In the test
    /// suite, on a shared 2-core machine under load 20+, scheduling alone stretched 0.1 s rejections past 1-5 s
    /// (2026-12-04), so the suite's bound is 15 s: a finding here is a loop, not a slow machine.
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Bytes a parser may allocate for an input: a fixed allowance (decoder tables, chunk buffers, the JIT) plus a
    /// multiple of the input (a lossless decoder's frame buffers, a header's dictionary). Streaming decoders are
    /// drained in fixed chunks, so decoded audio does not count.
    /// </summary>
    public static long AllocationLimit(int inputLength) => (64L << 20) + 256L * inputLength;

    /// <summary>Runs one input; returns null when the contract holds.</summary>
    /// <param name="rejected">Told the message when the parser rejects the input (the fuzzer counts distinct ones).</param>
    public static ContractFinding? Check(ParserTarget target, byte[] input, Action<string>? rejected = null)
    {
        var first = RunOnce(target, input, rejected);
        if (first is null || first.Kind != "hang") return first;
        // A slow run on a shared 2-core machine may be the scheduler: a hang must reproduce.
        return RunOnce(target, input, null);
    }

    private static ContractFinding? RunOnce(ParserTarget target, byte[] input, Action<string>? rejected)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            target.Run(input);
        }
        catch (InvalidInputException e) { rejected?.Invoke(e.Message); }
        catch (Exception e)
        {
            var site = e.StackTrace?.Split('\n').FirstOrDefault()?.Trim() ?? "";
            return new ContractFinding(target.Name, e.GetType().Name, $"{e.Message} {site}", input);
        }
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationLimit(input.Length))
            return new ContractFinding(target.Name, "allocation", $"{allocated} bytes allocated", input);
        if (clock.Elapsed > TimeLimit)
            return new ContractFinding(target.Name, "hang", $"{clock.Elapsed.TotalSeconds:0.00} s", input);
        return null;
    }
}
