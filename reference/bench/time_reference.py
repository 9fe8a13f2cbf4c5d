#!/usr/bin/env python3
"""Times the PyTorch AudioLDM2 VAE encode / decode and HiFi-GAN vocoder on a 10.24 s log-mel and writes the JSON
that `latentaudio bench-models --reference-timing FILE` reads (format: docs/benchmarks.md, "Reference timing").

How it is run here (reference/bench/README.md): Debian's /usr/bin/python3 with python3-torch 1.13.1 (OpenBLAS
0.3.21 through libopenblas0-pthread, oneDNN), and diffusers / transformers / huggingface_hub from their git tags on a
PYTHONPATH tree that setup_env.sh builds, with a pure-Python `safetensors` reader in place of the compiled one;
run.sh sets the offline environment and calls this script:
    bash reference/bench/setup_env.sh                                  # once, after fetching the three repositories
    latentaudio bench-models --random-fullsize --keep /tmp/fullsize    # writes the random full-size model
    bash reference/bench/run.sh --model /tmp/fullsize --threads 2 --out timing.json
    latentaudio bench-models --model /tmp/fullsize --threads 2 --reference-timing timing.json
The protocol and the stage definitions are those of the earlier recorded timing
(tests/LatentAudio.Tests/Fixtures/models/fullsize/python_reference_timing.json). Run it on the machine that runs
bench-models, with the same thread count. The JSON also records the BLAS / threading setup torch ran with.

Classes: diffusers.AutoencoderKL (diffusers 0.31.0, src/diffusers/models/autoencoders/autoencoder_kl.py) and
transformers.SpeechT5HifiGan (transformers 4.40.2, src/transformers/models/speecht5/modeling_speecht5.py), loaded
from MODEL/vae and MODEL/vocoder with from_pretrained, as AudioLDM2Pipeline does. The weights' values do not change
the speed.
"""
import argparse
import ctypes
import json
import os
import platform
import re
import sys
import time

import torch
import diffusers
import huggingface_hub
import safetensors
import transformers
from diffusers import AutoencoderKL
from transformers import SpeechT5HifiGan

FRAMES = 1024  # bench-models' input: 1024 frames x 10 ms = 10.24 s


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def loaded_native_libraries():
    """Shared objects of the BLAS / LAPACK / OpenMP / oneDNN kind mapped into this process (which ones the dynamic
    linker actually resolved, e.g. through Debian's libblas.so.3 alternative)."""
    pattern = re.compile(r"blas|lapack|mkl|gomp|iomp|libomp|dnnl|mkldnn|nnpack|sleef|flexiblas|atlas|blis")
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6 and parts[5].startswith("/") and pattern.search(os.path.basename(parts[5])):
                    libs.add(parts[5])
    except OSError:
        pass
    return sorted(libs)


def openblas_info(libs):
    """openblas_get_config / _corename / _num_threads of the loaded OpenBLAS (the kernel OPENBLAS_CORETYPE picks)."""
    for path in libs:
        if "openblas" not in os.path.basename(path):
            continue
        try:
            lib = ctypes.CDLL(path)  # already loaded: the same handle, no second copy
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return {
                "library": path,
                "config": lib.openblas_get_config().decode(),
                "corename": lib.openblas_get_corename().decode(),
                "num_threads": lib.openblas_get_num_threads(),
            }
        except (OSError, AttributeError) as e:
            return {"library": path, "error": repr(e)}
    return None


def time_stage(fn, runs):
    fn()  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="folder with vae/ and vocoder/ (e.g. written by bench-models --keep)")
    ap.add_argument("--threads", type=int, required=True, help="torch.set_num_threads; give bench-models the same")
    ap.add_argument("--runs", type=int, default=5, help="timed calls per stage after one warm-up (the minimum is kept)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--frames", type=int, default=FRAMES,
                    help=f"input frames (default {FRAMES}, what bench-models compares with; fewer only for a smoke test)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vae = AutoencoderKL.from_pretrained(args.model, subfolder="vae").eval()
    vocoder = SpeechT5HifiGan.from_pretrained(args.model, subfolder="vocoder").eval()
    mels = vocoder.config.model_in_dim
    # Log-mel-like values around -5 (natural log), as bench-models feeds; the values do not change the speed.
    x = -5 + 2 * (torch.rand(1, vae.config.in_channels, args.frames, mels) * 2 - 1)

    with torch.inference_mode():
        mean = vae.encode(x).latent_dist.mean
        decoded = vae.decode(mean).sample
        encode = time_stage(lambda: vae.encode(x).latent_dist.mean, args.runs)
        decode = time_stage(lambda: vae.decode(mean).sample, args.runs)
        vocode = time_stage(lambda: vocoder(decoded.squeeze(1)), args.runs)
    libs = loaded_native_libraries()  # after the calls: every library the stages used is mapped by now

    result = {
        # required by bench-models
        "frames": args.frames,
        "torch_num_threads": torch.get_num_threads(),
        "encode_s": min(encode),
        "decode_s": min(decode),
        "vocoder_s": min(vocode),
        # shown or kept for the record
        "cpu": cpu_name(),
        "torch": torch.__version__,
        "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "encode_all_s": encode,
        "decode_all_s": decode,
        "vocoder_all_s": vocode,
        "protocol": f"torch.inference_mode(), float32, CPU; 1 warm-up call, then {args.runs} timed calls "
                    "(time.perf_counter); *_s = min",
        "encode_definition": "vae.encode(x).latent_dist.mean",
        "decode_definition": "vae.decode(mean).sample",
        "vocoder_definition": "SpeechT5HifiGan(decoded.squeeze(1))",
        "model": os.path.abspath(args.model),
        "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE",
                                               "OPENBLAS_L2_SIZE", "MKL_NUM_THREADS")},
        "os_cpu_count": os.cpu_count(),
        "torch_num_interop_threads": torch.get_num_interop_threads(),
        "torch_mkldnn_available": torch.backends.mkldnn.is_available(),
        "torch_config": torch.__config__.show(),
        "torch_parallel_info": torch.__config__.parallel_info(),
        "blas_libraries": libs,
        "openblas": openblas_info(libs),
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "huggingface_hub": huggingface_hub.__version__,
        "module_files": {m.__name__: m.__file__ for m in (torch, diffusers, transformers, huggingface_hub, safetensors)},
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps({k: result[k] for k in ("encode_s", "decode_s", "vocoder_s", "torch_num_threads")}))


if __name__ == "__main__":
    main()
