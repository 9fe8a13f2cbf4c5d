using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>Times the VAE's encoder and decoder as their own stages (the engine calls them inside its passes).</summary>
internal sealed class TimedVae(ILatentAutoencoder vae, StageTimer timer) : ILatentAutoencoder
{
    public int LatentChannels => vae.LatentChannels;
    public int Downsample => vae.Downsample;
    public (Tensor Mean, Tensor LogVar) Encode(Tensor mel) => timer.Time("vae_encode", () => vae.Encode(mel));
    public Tensor Decode(Tensor latent) => timer.Time("vae_decode", () => vae.Decode(latent));
    public void Dispose() { }
}
