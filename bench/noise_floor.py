"""How far a benchmark moves when the vectors move as far as int8's do, but at random: another
benchmark run on float32 vectors plus unbiased Gaussian noise, one fixed draw per text and seed.

A quality bar such as "within 0.005 of float32" is only as fine as the benchmark under it. Run a few
seeds: their spread is what any vector change of int8's size would do, whatever it is, so a gap
smaller than that spread says nothing about the int8 copy itself. The noise per dimension is set
from a drift (mean 1 - cosine to float32; `bench/int8_drift.py` measures int8's): for unit vectors
in d dimensions, sigma = sqrt(2 * drift / d). Word vectors (claim checks) stay exact, as the int8
engine's do. Each seed gets its own `vectors_id`, so no store or cache mixes seeds.

Run: .venv/bin/python bench/noise_floor.py --seed 1 [--drift 2e-4] bench/answers.py --skip-xquad"""

from __future__ import annotations

import argparse
import hashlib
import os
import runpy
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DRIFT = 2.0e-4  # bench/int8_drift.py on the int8 export of the ninth session


def noisy(vectors: np.ndarray, texts: list[str], prompt: str, seed: int, sigma: float) -> np.ndarray:
    """Each text's vector plus its own draw of noise (the same text, prompt and seed, the same draw), re-normalised."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    for i, text in enumerate(texts):
        key = hashlib.sha256(f"{seed}\0{prompt}\0{text}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(key[:8], "little"))
        out[i] += rng.normal(0.0, sigma, out.shape[1]).astype(np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


def patch(seed: int, drift: float) -> None:
    """Make every OnnxEngine run the float32 graph and add the noise."""
    from index.engines import OnnxEngine

    init, embed = OnnxEngine.__init__, OnnxEngine.embed

    def noisy_init(self, model_dir, export_dir, int8=None) -> None:
        init(self, model_dir, export_dir, int8=None)
        self.noise_sigma = float(np.sqrt(2.0 * drift / self.dim))
        self.vectors_id = f"noise-{seed}-{drift:g}"
        print(f"noise floor: seed {seed}, drift {drift:g}, sigma {self.noise_sigma:.5f} ({self.dim} dimensions), float32 graph", flush=True)

    def noisy_embed(self, texts: list[str], prompt: str, threads: int = 1) -> np.ndarray:
        return noisy(embed(self, texts, prompt, threads), texts, prompt, seed, self.noise_sigma)

    OnnxEngine.__init__ = noisy_init
    OnnxEngine.embed = noisy_embed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--drift", type=float, default=DRIFT, help="mean 1 - cosine to float32 to simulate")
    ap.add_argument("script", help="the benchmark to run, e.g. bench/answers.py")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    os.environ["ARTICLE_CHAT_ENGINE"] = "onnx-float32"
    patch(a.seed, a.drift)
    sys.argv = [a.script, *a.args]
    runpy.run_path(str(ROOT / a.script), run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
