"""VGGish parity fixture: harritaylor/torchvggish's own code (vggish_input.waveform_to_examples, VGGish network,
Postprocessor) with deterministic pseudo-random weights that the C# test rebuilds from the same formula (so no
200 MB weights file is committed). Writes Fixtures/fad/vggish.json, vggish_clip{0,1,2,3}.wav and vggish_pca_numpy.pth."""
import os
import sys

import numpy as np
import scipy.io.wavfile
import torch

from common import FIXTURES, pin, src, stub, write

# vggish_input imports resampy (only for rates other than 16 kHz) and soundfile (only wavfile_to_examples): the clips
# here are 16 kHz arrays, so neither is on the computed path.
stub("resampy")
stub("soundfile")
sys.path.insert(0, src("torchvggish"))
from torchvggish import vggish, vggish_input, vggish_params  # noqa: E402
import common  # noqa: E402

# The tensor order and the formula are mirrored in tests/LatentAudio.Tests/Models/Embeddings/VggishParityTests.cs.
NAMES = ["features.0", "features.3", "features.6", "features.8", "features.11", "features.13",
         "embeddings.0", "embeddings.2", "embeddings.4"]


def pseudo_random(count, salt, bound):
    """u_i = ((i * 2654435761 + salt * 40503 + 12345) mod 2^32) / 2^32; value (2u - 1) * bound, float32."""
    i = np.arange(count, dtype=np.uint64)
    u = ((i * np.uint64(2654435761) + np.uint64(salt * 40503 + 12345)) % np.uint64(2 ** 32)).astype(np.float64) / 2.0 ** 32
    return ((2 * u - 1) * bound).astype(np.float32)


model = vggish.VGGish(urls=None, pretrained=False, preprocess=True, postprocess=True, device=torch.device("cpu"))
state = {}
for t, name in enumerate(NAMES):
    w = dict(model.named_parameters())[name + ".weight"]
    fan_in = int(np.prod(w.shape[1:]))
    bound = np.sqrt(6.0 / fan_in)  # Kaiming-uniform for ReLU: keeps the activations from collapsing
    state[name + ".weight"] = torch.from_numpy(pseudo_random(w.numel(), 2 * t, bound).reshape(tuple(w.shape)))
    state[name + ".bias"] = torch.from_numpy(pseudo_random(w.shape[0], 2 * t + 1, 0.01))
model.load_state_dict(state, strict=False)
pca_vectors = pseudo_random(128 * 128, 100, 0.25).reshape(128, 128)
pca_means = pseudo_random(128, 101, 0.01)
model.pproc.pca_eigen_vectors.data = torch.from_numpy(pca_vectors)
model.pproc.pca_means.data = torch.from_numpy(pca_means.reshape(-1, 1))
model.eval()
# The PCA parameters as the published vggish_pca_params-970ea276.pth stores them: numpy float64 arrays in a
# torch.save dict (the port converts them with torch.as_tensor in VGGish.__init__).
torch.save({vggish_params.PCA_EIGEN_VECTORS_NAME: pca_vectors.astype(np.float64),
            vggish_params.PCA_MEANS_NAME: pca_means.astype(np.float64)}, os.path.join(FIXTURES, "vggish_pca_numpy.pth"))

# Four 1.96 s clips (2 examples each): tones and noise, written as 16-bit WAV and read back as the port reads WAV.
rng = np.random.default_rng(18)
t = np.arange(int(1.96 * 16000)) / 16000.0
clips = []
for k in range(4):
    x = 0.3 * np.sin(2 * np.pi * (220 * (k + 1)) * t) + 0.1 * rng.standard_normal(t.size) * (1 + k) / 4
    x += 0.2 * np.sin(2 * np.pi * 3000 * t * (1 + 0.1 * k)) * (t > 0.5)
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
    name = f"vggish_clip{k}.wav"
    scipy.io.wavfile.write(os.path.join(FIXTURES, name), 16000, pcm)
    clips.append((name, pcm.astype(np.float64) / 32768.0))

out = []
with torch.no_grad():
    for name, data in clips:
        examples = vggish_input.waveform_to_examples(data, 16000, return_tensor=True)
        activated = vggish.VGG.forward(model, examples)            # the port's network output (final ReLU)
        raw = model.embeddings[:-1](torch.flatten(torch.transpose(torch.transpose(model.features(examples), 1, 3), 1, 2), 1))
        post = model.pproc.postprocess(activated)
        ex = examples[:, 0].numpy()  # float32, as the port feeds the network; shortest round-trip decimals
        out.append({"file": name, "examples": [[[float(str(v)) for v in row] for row in e] for e in ex] if not out else None,
                    "raw": raw.numpy().tolist(), "activated": activated.numpy().tolist(),
                    "postprocessed": post.numpy().tolist()})

# The Fréchet distance between clips {0,1} and {2,3} (4 raw vectors each), fadtk's formula.
sys.argv = [sys.argv[0]]
import frechet_ref  # noqa: E402
a = np.concatenate([np.array(o["raw"]) for o in out[:2]])
b = np.concatenate([np.array(o["raw"]) for o in out[2:]])
mu1, c1 = frechet_ref.fad.calc_embd_statistics(a)
mu2, c2 = frechet_ref.fad.calc_embd_statistics(b)
fd = float(np.real(frechet_ref.fad.calc_frechet_distance(mu1, c1, mu2, c2)))

write("vggish.json", {
    "description": "torchvggish on pseudo-random weights (formula in reference/fad/vggish.py): log-mel examples "
                   "[n, 96, 64] (first clip only, to keep the file small), raw (last Linear before ReLU, fadtk's default), activated (VGG.forward) and "
                   "postprocessed (Postprocessor.postprocess) embeddings per clip; fd_raw = fadtk FD between clips "
                   "{0,1} and {2,3}.",
    "reference": {**pin("torchvggish"), "files": ["torchvggish/vggish_input.py", "torchvggish/mel_features.py",
                                                  "torchvggish/vggish.py"]},
    "fd_reference": pin("fadtk"),
    "clips": out, "fd_raw": fd,
})
