"""BM25 over paragraphs, with prefix stemming, for names and rare words that dense
embeddings blur."""

from __future__ import annotations

import math
from collections import Counter

from index.text import terms


class Bm25:
    def __init__(self, documents: list[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.docs = [Counter(terms(d)) for d in documents]
        self.lengths = [sum(c.values()) for c in self.docs]
        self.avg = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        df: Counter[str] = Counter()
        for c in self.docs:
            df.update(c.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def scores(self, query: str) -> list[float]:
        q = set(terms(query))
        out = []
        for c, length in zip(self.docs, self.lengths, strict=True):
            s = 0.0
            for t in q:
                f = c.get(t)
                if f:
                    s += self.idf[t] * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * length / (self.avg or 1)))
            out.append(s)
        return out

    def max_score(self, query: str) -> float:
        """What a document holding every query term once would score. Dividing by it makes scores
        comparable across questions; words the article lacks count as rare, so a question that
        shares one word with the article (an English question, a Russian article) scores low."""
        unseen = math.log(1 + (len(self.docs) + 0.5) / 0.5)
        return sum(self.idf.get(t, unseen) for t in set(terms(query)))
