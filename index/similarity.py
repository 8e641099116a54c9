"""Similarity over one indexed article: the one place where vectors are compared.

Every vector is normalised when it is made (`index.embeddings`), so a dot product is the cosine.
The answerers ask for the similarities they need (of a query to sentences or paragraphs, of two
sentences, of a sentence to its nearest others) and never hold the matrices themselves."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Sentences whose closeness to their nearest others is averaged into their hubness.
HUB_NEIGHBOURS = 10


class Similarity:
    def __init__(self, sentence_vectors: np.ndarray, paragraph_vectors: np.ndarray) -> None:
        self._sentences = sentence_vectors
        self._paragraphs = paragraph_vectors
        self._hubness: np.ndarray | None = None

    def to_sentences(self, query: np.ndarray, rows: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
        """The query's similarity to every sentence, or to the sentences at `rows` in that order."""
        if rows is None:
            return self._sentences @ query
        return self._sentences[rows] @ query

    def to_sentence(self, row: int, query: np.ndarray) -> float:
        return float(self._sentences[row] @ query)

    def to_paragraph(self, number: int, query: np.ndarray) -> float:
        return float(self._paragraphs[number - 1] @ query)

    def top_paragraphs(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k paragraphs most similar to the query, best first, as (number, similarity)."""
        scores = self._paragraphs @ query
        return [(int(i) + 1, float(scores[i])) for i in np.argsort(-scores, kind="stable")[:k]]

    def between_sentences(self, a: int, b: int) -> float:
        return float(self._sentences[a] @ self._sentences[b])

    def centroid(self, paragraphs: Sequence[int]) -> np.ndarray:
        """The normalised mean of these paragraphs: what the article as a whole is about."""
        centroid = self._paragraphs[[n - 1 for n in paragraphs]].mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        return centroid

    @property
    def hubness(self) -> np.ndarray:
        """Each sentence's mean similarity to its nearest other sentences, computed once."""
        if self._hubness is None:
            self._hubness = hubness(self._sentences)
        return self._hubness


def hubness(vectors: np.ndarray, neighbours: int = HUB_NEIGHBOURS, chunk: int = 1024) -> np.ndarray:
    """Mean similarity of each vector to its nearest others, in chunks so a long article never
    needs the full n x n matrix at once."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n, dtype=np.float32)
    k = min(neighbours, n - 1)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, chunk):
        sims = vectors[start : start + chunk] @ vectors.T
        rows = np.arange(sims.shape[0])
        sims[rows, rows + start] = -1.0
        out[start : start + chunk] = np.partition(sims, n - k, axis=1)[:, n - k :].mean(axis=1)
    return out


def word_alignment(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Every word vector of `a` against every one of `b` (rows: a's words)."""
    if not len(a) or not len(b):
        return np.zeros((len(a), len(b)))
    return a @ b.T
