using Microsoft.ML.OnnxRuntime;

namespace LatentAudio.Models.Onnx;

public enum ExecutionProviderKind { Cpu, Cuda }

/// <summary>How ONNX Runtime runs a network: threads, graph optimisation, execution provider.</summary>
/// <param name="IntraOpThreads">Threads inside one operator; 0 lets ONNX Runtime pick (one per physical core).</param>
public sealed record SessionSettings(
    int IntraOpThreads = 0,
    GraphOptimizationLevel OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    ExecutionProviderKind Provider = ExecutionProviderKind.Cpu)
{
    public static SessionSettings Default { get; } = new();

    /// <summary>
    /// ONNX Runtime's memory pattern (one block planned for every intermediate of a fixed-shape run). Off for long
    /// streamed runs: on the tiny model it held ~270-370 MB more at peak (reconstruct of 2 and 1 minute inputs,
    /// /usr/bin/time max RSS 800 -> 529 MB and 1115 -> 747 MB), for no measurable speed gain there.
    /// </summary>
    public bool MemoryPattern { get; init; } = true;

    public static ExecutionProviderKind ParseProvider(string text) => text.ToLowerInvariant() switch
    {
        "cpu" => ExecutionProviderKind.Cpu,
        "cuda" or "gpu" => ExecutionProviderKind.Cuda,
        _ => throw new InvalidInputException($"unknown execution provider '{text}' (expected cpu or cuda)"),
    };

    internal SessionOptions CreateOptions()
    {
        var options = new SessionOptions { GraphOptimizationLevel = OptimizationLevel, IntraOpNumThreads = Math.Max(0, IntraOpThreads) };
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
