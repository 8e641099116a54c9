"""The offline answerer: quote the sentence(s) of the article that answer the question.

Nothing is generated, so nothing can be made up; the risk is quoting the wrong sentence or
quoting when the article is silent, which the refusal threshold guards against."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.retrieval import Hit
from index.store import IndexedArticle, SentenceRef
from index.text import terms

# Calibrated on the development questions plus XQuAD questions asked of the wrong article
# (see bench/calibrate_refusal.py and docs/benchmarks.md).
REFUSE_THRESHOLD = 0.80
PARAGRAPH_WEIGHT = 0.5
OVERLAP_WEIGHT = 0.2
SECOND_SENTENCE_MARGIN = 0.015


@dataclass(frozen=True)
class Evidence:
    sentence: SentenceRef
    score: float
    confidence: float


def _overlap(query_terms: set[str], sentence: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(terms(sentence))) / len(query_terms)


def choose_evidence(
    indexed: IndexedArticle,
    query: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    top_paragraphs: int = 3,
) -> list[Evidence]:
    """Rank the sentences of the best paragraphs; return the best one, and a second when it
    is nearly as good (answers often span two sentences)."""
    if not hits:
        return []
    best_paragraphs = {h.paragraph: h for h in hits[:top_paragraphs]}
    query_terms = {t for t in terms(query) if len(t) > 2}
    scored: list[Evidence] = []
    for i, sent in enumerate(indexed.sentences):
        hit = best_paragraphs.get(sent.paragraph)
        if hit is None:
            continue
        dense = float(indexed.sentence_vectors[i] @ query_vector)
        score = dense + PARAGRAPH_WEIGHT * hit.score + OVERLAP_WEIGHT * _overlap(query_terms, sent.text)
        confidence = max(dense, hit.dense) + 0.1 * hit.lexical
        scored.append(Evidence(sent, score, confidence))
    scored.sort(key=lambda e: e.score, reverse=True)
    chosen = scored[:1]
    if len(scored) > 1 and scored[0].score - scored[1].score < SECOND_SENTENCE_MARGIN:
        chosen.append(scored[1])
    return chosen


def is_confident(evidence: list[Evidence], threshold: float) -> bool:
    return bool(evidence) and evidence[0].confidence >= threshold


def render(frame: str, evidence: list[Evidence]) -> str:
    """`Frame: «quote» [¶n] «quote» [¶m]`, quotes verbatim, in reading order."""
    ordered = sorted(evidence, key=lambda e: (e.sentence.paragraph, e.sentence.start))
    parts = [f"«{_one_line(e.sentence.text)}» [¶{e.sentence.paragraph}]" for e in ordered]
    return f"{frame} " + " ".join(parts)


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text)
