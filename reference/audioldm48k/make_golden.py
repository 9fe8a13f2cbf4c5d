"""48 kHz AudioLDM (haoheliu/AudioLDM2 `audioldm_48k`) reference fixtures from the ORIGINAL code, random weights.

Imports (never copies) from a checkout of haoheliu/AudioLDM2 at AUDIOLDM2_COMMIT and librosa at LIBROSA_COMMIT
(both given as source folders on the command line, see README.md):
  * mel: audioldm2/utilities/audio/stft.py TacotronSTFT + tools.py normalize_wav/get_mel_from_wav/_pad_spec with the
    48 kHz parameters of audioldm2/utils.py get_audioldm_48k_config (n_fft 2048, hop 480, win 2048, 256 mels,
    fmin 20, fmax 24000, sr 48000);
  * VAE: audioldm2/latent_encoder/autoencoder.py AutoencoderKL (Encoder/Decoder of
    latent_diffusion/modules/diffusionmodules/model.py) with a SMALL ddconfig of the 48 kHz structure;
  * vocoder: audioldm2/hifigan/models.py Generator (what utilities/model.py get_vocoder builds for any mel_bins,
    as `Generator_old`) with the 48 kHz structure (get_vocoder_config_48k) at small width.
Writes tests/LatentAudio.Tests/Fixtures/models/audioldm48k/.
"""
import json, os, sys, types

AUDIOLDM2_COMMIT = "b5786c5dc0ae8f766337fdc1b67ab6046586d14d"
LIBROSA_COMMIT = "b9830b4a335b1e7e4be66ee81870573bf3d516d0"  # tag 0.9.2, AudioLDM2's setup.py pin

src = os.path.abspath(sys.argv[1])      # folder holding audioldm2/ (git archive of AUDIOLDM2_COMMIT)
librosa_src = os.path.abspath(sys.argv[2])  # folder holding librosa/ (git archive of LIBROSA_COMMIT)
audio_path = sys.argv[3]                # 48 kHz wav (shared/golden/resample/r48000_to_16000_trumpet.input.wav)
out = sys.argv[4]
sys.path[:0] = [src, librosa_src]

# The package __init__s import the whole text-to-audio pipeline: register the packages as bare namespaces so that
# only the modules used here (which run unmodified) are loaded.
for name in ["audioldm2", "audioldm2.utilities", "audioldm2.utilities.audio"]:
    m = types.ModuleType(name); m.__path__ = [os.path.join(src, *name.split("."))]; sys.modules[name] = m

class _Stub(types.ModuleType):
    """einops is not packaged by Debian; model.py/attention.py import it at load time, the vanilla path never calls it."""
    def __getattr__(self, attr):
        if attr.startswith("__"): raise AttributeError(attr)
        def refuse(*a, **k): raise RuntimeError(f"stub {self.__name__}.{attr} called")
        return refuse
sys.modules["einops"] = _Stub("einops")

import numpy as np, torch, scipy.io.wavfile
torch.set_num_threads(2)
torch.manual_seed(0)

from audioldm2.utilities.audio.stft import TacotronSTFT
from audioldm2.utilities.audio import tools
from audioldm2.latent_encoder.autoencoder import AutoencoderKL
from audioldm2 import hifigan
from audioldm2.utilities.model import get_vocoder_config_48k

os.makedirs(out, exist_ok=True)
def save(name, a):
    a = np.ascontiguousarray(np.asarray(a, dtype=np.float32)); np.save(os.path.join(out, name), a); return a

# ---- mel front-end, 48 kHz parameters (audioldm2/utils.py get_audioldm_48k_config "preprocessing") ----
SR, N_FFT, HOP, WIN, MELS, FMIN, FMAX = 48000, 2048, 480, 2048, 256, 20, 24000
FRAMES = 64  # a multiple of 8 (three stride-2 downsamples)
sr, pcm = scipy.io.wavfile.read(audio_path)
assert sr == SR, sr
clip = pcm[: FRAMES * HOP].astype(np.float64) / 32768.0
wav = tools.normalize_wav(clip)[None, :]  # mean removal, peak 0.5 (as the data loader)
stft = TacotronSTFT(N_FFT, HOP, WIN, MELS, SR, FMIN, FMAX)
melspec, _, _ = tools.get_mel_from_wav(wav[0], stft)          # [256, T+1]
fbank = tools._pad_spec(torch.FloatTensor(melspec.T), FRAMES)  # [T, 256], time-major
stft_input = save("stft_input.npy", torch.FloatTensor(wav[0]).clamp(-1, 1).numpy())
save("log_mel.npy", fbank.numpy())

# ---- VAE: the 48 kHz ddconfig (get_audioldm_48k_config first_stage_config) at small width ----
# GroupNorm(32) in model.py Normalize needs every width to be a multiple of 32, hence ch 32, not 8; ch_mult
# [1, 1, 1, 2] keeps four levels (three downsamples, factor 8) and one channel change (nin_shortcut) in a small file.
small_dd = dict(double_z=True, mel_bins=MELS, z_channels=16, resolution=256, downsample_time=False, in_channels=1,
                out_ch=1, ch=32, ch_mult=[1, 1, 1, 2], num_res_blocks=2, attn_resolutions=[], dropout=0.0)
full_dd = dict(small_dd, ch=128, ch_mult=[1, 2, 4, 8])
small_voc = dict(get_vocoder_config_48k(), upsample_initial_channel=32)

def vae(dd, embed_dim):
    # image_key "stft" keeps the constructor from building the full-size vocoder; it is attached below.
    return AutoencoderKL(ddconfig=dd, embed_dim=embed_dim, image_key="stft", sampling_rate=SR)

def vocoder(cfg):
    g = hifigan.Generator_old(hifigan.AttrDict(cfg)); g.eval(); g.remove_weight_norm()  # as get_vocoder
    return g

ae = vae(small_dd, 16)
ae.vocoder = vocoder(small_voc)
# Random weights of a trained-like scale: the default inits leave GroupNorm at 1/0 and HiFi-GAN at N(0, 0.01).
with torch.no_grad():
    for n, p in ae.named_parameters():
        if "norm" in n: p.copy_(1 + 0.1 * torch.randn_like(p) if n.endswith("weight") else 0.1 * torch.randn_like(p))
        elif n.startswith("vocoder.") and n.endswith("weight"): p.copy_(torch.randn_like(p) * (1.0 / np.sqrt(p[0].numel())))
        elif n.endswith("bias"): p.copy_(0.02 * torch.randn_like(p))
ae.eval()

with torch.no_grad():
    x = fbank[None, None]                      # [1, 1, T, 256] (ddpm.py get_input)
    posterior = ae.encode(x)
    save("posterior_mean.npy", posterior.mean.numpy()); save("posterior_logvar.npy", posterior.logvar.numpy())
    dec = ae.decode(posterior.mean)
    save("decoded_mel.npy", dec.numpy())
    wave = ae.vocoder(dec.squeeze(1).permute(0, 2, 1))  # decode_to_waveform, before vocoder_infer's int16 cast
    save("waveform.npy", wave.squeeze(1).numpy())

# ---- the checkpoint, in the LatentDiffusion layout of audioldm_48k.pth ----
sd = {"first_stage_model." + k: v.clone() for k, v in ae.state_dict().items()}
# Stand-ins for the rest of a LatentDiffusion state dict (not read by LatentAudio, must be skipped by the filter).
sd["model.diffusion_model.input_blocks.0.0.weight"] = torch.randn(8, 16, 3, 3)
sd["cond_stage_models.0.dummy.weight"] = torch.randn(4, 4)
sd["scale_factor"] = torch.tensor(1.0)
torch.save({"state_dict": sd}, os.path.join(out, "audioldm48k_tiny.pth"))
# LatentAudio's random-weights marker (AudioLdmModel.RandomWeightsMarker): reports of this .pth say its weights are random.
with open(os.path.join(out, "LATENTAUDIO_RANDOM_WEIGHTS"), "w") as f:
    f.write("random weights: the tiny audioldm_48k-structure checkpoint written by reference/audioldm48k/make_golden.py (test fixture)\n")

# ---- full-size key lists and shapes (the real audioldm_48k first_stage_model) ----
def shapes(module, prefix):
    return {prefix + k: list(v.shape) for k, v in module.state_dict().items()}
# Shapes only: skip the random init (and its minutes of work on ~0.5 G parameters) by making reset_parameters a no-op.
for cls in (torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.ConvTranspose1d, torch.nn.Linear, torch.nn.GroupNorm):
    cls.reset_parameters = lambda self: None
hifigan.models.init_weights = lambda m, mean=0.0, std=0.01: None
full = vae(full_dd, 16)
full_keys = shapes(full, "first_stage_model.")
full_keys.update(shapes(vocoder(get_vocoder_config_48k()), "first_stage_model.vocoder."))
meta = dict(
    audioldm2_commit=AUDIOLDM2_COMMIT, librosa_commit=LIBROSA_COMMIT, torch=torch.__version__, numpy=np.__version__,
    audio=os.path.basename(audio_path), audio_samples=[0, FRAMES * HOP], frames=FRAMES,
    mel=dict(sampling_rate=SR, filter_length=N_FFT, hop_length=HOP, win_length=WIN, n_mel_channels=MELS, mel_fmin=FMIN, mel_fmax=FMAX),
    small_ddconfig=small_dd, small_embed_dim=16, small_vocoder={k: small_voc[k] for k in
        ["upsample_rates", "upsample_kernel_sizes", "upsample_initial_channel", "resblock_kernel_sizes", "resblock_dilation_sizes", "num_mels"]},
    full_ddconfig=full_dd, full_vocoder_initial_channel=get_vocoder_config_48k()["upsample_initial_channel"],
    shapes=dict(log_mel=list(fbank.shape), posterior=list(posterior.mean.shape), decoded_mel=list(dec.shape), waveform=list(wave.squeeze(1).shape)))
json.dump(meta, open(os.path.join(out, "meta.json"), "w"), indent=1)
json.dump(full_keys, open(os.path.join(out, "fullsize_first_stage_shapes.json"), "w"), indent=0)
print(json.dumps(meta["shapes"]), len(full_keys), "full-size keys")
