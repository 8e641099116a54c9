"""bench/noise_floor.py: the noise it adds is the drift it claims, and fixed per text and seed (a
text embedded twice, as a question and again from the cache, must not get two draws)."""

import numpy as np

from bench.noise_floor import noisy


def _unit(rows: int, dim: int = 384) -> np.ndarray:
    v = np.random.default_rng(0).normal(size=(rows, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_noise_has_the_drift_asked_for():
    drift = 2.0e-4
    vectors = _unit(400)
    texts = [f"text {i}" for i in range(400)]
    out = noisy(vectors, texts, "query: ", seed=1, sigma=float(np.sqrt(2 * drift / 384)))
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    measured = float(np.mean(1.0 - np.sum(out * vectors, axis=1)))
    assert 0.8 * drift < measured < 1.2 * drift


def test_noise_is_fixed_per_text_prompt_and_seed():
    vectors = _unit(2)
    sigma = 1e-3
    once = noisy(vectors, ["a", "b"], "query: ", seed=1, sigma=sigma)
    again = noisy(vectors[::-1], ["b", "a"], "query: ", seed=1, sigma=sigma)[::-1]
    assert np.array_equal(once, again)
    assert not np.allclose(once, noisy(vectors, ["a", "b"], "query: ", seed=2, sigma=sigma))
    assert not np.allclose(once, noisy(vectors, ["a", "b"], "passage: ", seed=1, sigma=sigma))
