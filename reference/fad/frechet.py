"""Fréchet distance fixture: fadtk's calc_embd_statistics + calc_frechet_distance (scipy.linalg.sqrtm of C1·C2)
on fixed, seeded embedding sets. Writes Fixtures/fad/frechet.json."""
import numpy as np

from common import pin, write
from frechet_ref import fad


def f32(x):
    """float32 values written as their shortest round-trip decimal (exact when read back as float32)."""
    return [[float(str(v)) for v in row] for row in x]


def case(name, rng, n1, n2, d, shift, scale, rank=None):
    """Two float32 embedding sets: correlated Gaussians (a random mixing matrix), the second shifted and scaled."""
    mix = rng.standard_normal((d, d)) / np.sqrt(d)
    if rank is not None:
        mix[:, rank:] = 0  # rank-deficient covariance: the case scipy's sqrtm handles worst
    a = (rng.standard_normal((n1, d)) @ mix.T).astype(np.float32)
    b = (scale * rng.standard_normal((n2, d)) @ mix.T + shift).astype(np.float32)
    mu1, c1 = fad.calc_embd_statistics(a.astype(np.float64))
    mu2, c2 = fad.calc_embd_statistics(b.astype(np.float64))
    fd = float(np.real(fad.calc_frechet_distance(mu1, c1, mu2, c2)))
    return {"name": name, "a": f32(a), "b": f32(b), "mean_a": mu1.tolist(), "cov_a": c1.tolist(),
            "mean_b": mu2.tolist(), "cov_b": c2.tolist(), "fd": fd}


rng = np.random.default_rng(20261205)
cases = [
    case("full_rank_d8", rng, 64, 48, 8, 0.3, 1.2),
    case("full_rank_d24", rng, 60, 50, 24, 0.1, 0.9),
    case("fewer_vectors_than_dims", rng, 10, 12, 16, 0.2, 1.1),
    case("rank_deficient_d12_rank6", rng, 80, 80, 12, 0.0, 1.0, rank=6),
]
write("frechet.json", {
    "description": "fadtk calc_embd_statistics (np.mean, np.cov rowvar=False) and calc_frechet_distance on float32 "
                   "embedding sets a, b (rows are vectors), computed in float64. Produced by reference/fad/frechet.py.",
    "reference": {**pin("fadtk"), "file": "fadtk/fad.py", "functions": ["calc_embd_statistics", "calc_frechet_distance"]},
    "cases": cases,
})
