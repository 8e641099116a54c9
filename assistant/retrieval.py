"""Hybrid retrieval: dense e5 search over the vectors stored in Chroma, fused with BM25 over the same paragraphs.

The weights were chosen on XQuAD and the development questions (see docs/benchmarks.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.lexical import Bm25
from index.store import IndexedArticle, VectorStore

LEXICAL_WEIGHT = 0.1


@dataclass(frozen=True)
class Hit:
    paragraph: int
    score: float
    dense: float
    lexical: float


class Retriever:
    """Ranks the paragraphs of one indexed article. The title and the date/source lines are
    left to the metadata answers: a headline names everyone in the story, so it would win
    against the paragraph that actually answers (seen on the development questions)."""

    def __init__(self, store: VectorStore, indexed: IndexedArticle, lexical_weight: float = LEXICAL_WEIGHT) -> None:
        self.store = store
        self.indexed = indexed
        self.lexical_weight = lexical_weight
        paragraphs = indexed.article.paragraphs
        self.searchable = [p.number for p in paragraphs if p.is_body]
        self.bm25 = Bm25([paragraphs[n - 1].search_text for n in self.searchable])

    def lexical_scores(self, query: str) -> dict[int, float]:
        raw = self.bm25.scores(query)
        ceiling = self.bm25.max_score(query)
        return {n: (s / ceiling if ceiling else 0.0) for n, s in zip(self.searchable, raw, strict=True)}

    def retrieve(self, query: str, query_vector: np.ndarray, k: int) -> list[Hit]:
        pool = max(k * 3, 10)
        dense_hits = dict(self.store.search(self.indexed, query_vector, pool))
        lexical = self.lexical_scores(query)
        by_lexical = sorted(lexical, key=lexical.get, reverse=True)[:pool]
        candidates = [n for n in dict.fromkeys([*dense_hits, *by_lexical]) if n in lexical]
        hits = []
        for n in candidates:
            dense = dense_hits.get(n)
            if dense is None:
                dense = self.indexed.similarity.to_paragraph(n, query_vector)
            lex = lexical.get(n, 0.0)
            hits.append(Hit(n, dense + self.lexical_weight * lex, dense, lex))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:k]
