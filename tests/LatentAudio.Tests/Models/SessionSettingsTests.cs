using LatentAudio.Models.Onnx;

namespace LatentAudio.Tests.Models;

public sealed class SessionSettingsTests
{
    [Fact]
    public void CudaWithoutTheGpuRuntimeIsAClearError()
    {
        var e = Assert.Throws<LatentAudioException>(() => new SessionSettings(Provider: ExecutionProviderKind.Cuda).CreateOptions().Dispose());
        Assert.Contains("CUDA execution provider is not available", e.Message);
    }

    [Fact]
    public void ProviderNamesParse()
    {
        Assert.Equal(ExecutionProviderKind.Cpu, SessionSettings.ParseProvider("CPU"));
        Assert.Equal(ExecutionProviderKind.Cuda, SessionSettings.ParseProvider("cuda"));
        Assert.Throws<InvalidInputException>(() => SessionSettings.ParseProvider("tpu"));
    }
}
