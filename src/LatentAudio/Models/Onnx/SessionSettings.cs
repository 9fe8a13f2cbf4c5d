using Microsoft.ML.OnnxRuntime;

namespace LatentAudio.Models.Onnx;

public enum ExecutionProviderKind { Cpu, Cuda }

/// <summary>
/// How ONNX Runtime runs a network: threads, graph optimisation, execution provider, memory planning. One value,
/// <see cref="Default"/>, serves every command and the benchmark, so the benchmark measures the sessions users get.
/// </summary>
/// <param name="IntraOpThreads">Threads inside one operator; 0 means the cores available to this process
/// (<see cref="Threads"/>), always passed to ONNX Runtime as an explicit count.</param>
public sealed record SessionSettings(
    int IntraOpThreads = 0,
    GraphOptimizationLevel OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    ExecutionProviderKind Provider = ExecutionProviderKind.Cpu)
{
    /// <summary>What every command uses: threads = the cores available, memory pattern off, the graph cache the
    /// environment names (<see cref="GraphCache.FolderFromEnvironment()"/>, read once).</summary>
    public static SessionSettings Default { get; } = new() { GraphCacheFolder = GraphCache.FolderFromEnvironment() };

    /// <summary>Where optimised graphs are cached between processes (<see cref="GraphCache"/>); null: no cache.</summary>
    public string? GraphCacheFolder { get; init; }

    /// <summary>
    /// ONNX Runtime's memory pattern (one block planned for every intermediate of a fixed-shape run). Off for long
    /// streamed runs: on the tiny model it held ~270-370 MB more at peak (reconstruct of 2 and 1 minute inputs,
    /// /usr/bin/time max RSS 800 -> 529 MB and 1115 -> 747 MB), for no measurable speed gain there.
    /// </summary>
    public bool MemoryPattern { get; init; }

    /// <summary>
    /// The intra-op thread count ONNX Runtime is given: <see cref="IntraOpThreads"/>, or the cores available to this
    /// process (<see cref="Environment.ProcessorCount"/>, which honours CPU affinity and cgroup quotas). Never 0:
    /// given 0, ONNX Runtime sizes its pool from the physical cores and "enables some affinitization"
    /// (onnxruntime.ai/docs/performance/tune-performance/threading.html), so the user path and the benchmark would
    /// not run the same pool (issue 15: reconstruct, which passed 0, measured ~1.7x bench-models, which passed 2).
    /// </summary>
    public int Threads => IntraOpThreads > 0 ? IntraOpThreads : Environment.ProcessorCount;

    public static ExecutionProviderKind ParseProvider(string text) => text.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProviderKind.Cpu,
        "cuda" or "gpu" => ExecutionProviderKind.Cuda,
        _ => throw new InvalidInputException($"unknown execution provider '{text}' (expected cpu or cuda)"),
    };

    internal SessionOptions CreateOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = OptimizationLevel, IntraOpNumThreads = Threads };
        options.InterOpNumThreads = 1;
        options.EnableMemoryPattern = MemoryPattern;
        if (Provider == ExecutionProviderKind.Cuda)
        {
            try { options.AppendExecutionProvider_CUDA(0); }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                throw new LatentAudioException(
                    "the CUDA execution provider is not available (this build ships the CPU ONNX Runtime; install Microsoft.ML.OnnxRuntime.Gpu and CUDA, or run on the CPU)", e) { Remedy = Remedy.UseCpu };
            }
        }
        return options;
    }
}
