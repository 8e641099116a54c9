"""Offline summaries: key sentences from every section, quoted with their paragraph numbers.

Retrieval-based tools summarise the chunks closest to "summarise the article", which are rarely
the whole story. Here each section (the lede counts as one) gets its own bullet; sentences are
chosen by closeness to the article as a whole, by position, and against repeating each other."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.checkable import number_words
from index.store import IndexedArticle, SentenceRef

DEFAULT_MIN, DEFAULT_MAX = 3, 5
MAX_BULLETS = 12
MMR_LAMBDA = 0.7
FIRST_SENTENCE_BONUS = 0.01
FIRST_PARAGRAPH_BONUS = 0.01
SIMPLE_LENGTH = 120  # characters; longer sentences lose a little when the asker wants it simple
MIN_LENGTH = 30

_COUNT = re.compile(r"(\d+|[a-zа-яіїєґё']+)\s+(?:bullet|point|item|sentence|key|пункт|тез|речен|предложен|пункта|пунктах)", re.I)
_PARAGRAPH = re.compile(r"\b(?:one|single|a)\s+paragraph|одн\w*\s+абзац|одн\w*\s+параграф", re.I)
_SIMPLE = re.compile(r"year[- ]old|child|kid|simple|simply|plain|дит|ребён|ребен|школяр|школьник|прост", re.I)


@dataclass(frozen=True)
class SummaryRequest:
    bullets: int | None = None
    one_paragraph: bool = False
    simple: bool = False


def parse_request(text: str) -> SummaryRequest:
    """ "3 bullet points", "в 3 пунктах", "one paragraph", "for a 10-year-old": length follows the request."""
    bullets = None
    m = _COUNT.search(text)
    if m:
        word = m.group(1).lower().replace("’", "'")
        bullets = int(word) if word.isdigit() else number_words().get(word)
    one_paragraph = bool(_PARAGRAPH.search(text))
    simple = bool(_SIMPLE.search(re.sub(r"\d+", " ", text)))
    if bullets is not None:
        bullets = max(1, min(MAX_BULLETS, bullets))
    return SummaryRequest(bullets=bullets, one_paragraph=one_paragraph, simple=simple)


@dataclass(frozen=True)
class KeySentence:
    sentence: SentenceRef
    section: str | None
    salience: float


def key_sentences(indexed: IndexedArticle, request: SummaryRequest) -> list[KeySentence]:
    """One or more sentences per group of sections, in reading order."""
    article = indexed.article
    body = {p.number: p for p in article.paragraphs if p.is_body}
    rows = [
        i
        for i, s in enumerate(indexed.sentences)
        if s.paragraph in body and len(s.text) >= MIN_LENGTH and not s.text.rstrip().endswith(":")
    ]
    if not rows:
        return []
    similarity = indexed.similarity
    salience = similarity.to_sentences(similarity.centroid(list(body)), rows)
    sections: list[str | None] = []
    first_in_section: set[int] = set()
    for p in body.values():
        if p.section not in sections:
            sections.append(p.section)
            first_in_section.add(p.number)
    seen_paragraphs: set[int] = set()
    for k, i in enumerate(rows):
        s = indexed.sentences[i]
        if s.paragraph not in seen_paragraphs:
            salience[k] += FIRST_SENTENCE_BONUS
            seen_paragraphs.add(s.paragraph)
        if s.paragraph in first_in_section:
            salience[k] += FIRST_PARAGRAPH_BONUS
        if request.simple and len(s.text) > SIMPLE_LENGTH:
            salience[k] -= 0.0008 * (len(s.text) - SIMPLE_LENGTH)
    wanted = request.bullets or min(DEFAULT_MAX, max(DEFAULT_MIN, len(sections)))
    if request.one_paragraph and request.bullets is None:
        wanted = min(DEFAULT_MAX, max(DEFAULT_MIN, len(sections)))
    groups = _group_sections(sections, [body[indexed.sentences[i].paragraph].section for i in rows], wanted)
    quota = _quota(groups, wanted, [body[indexed.sentences[i].paragraph].section for i in rows])
    chosen: list[int] = []
    for group, count in zip(groups, quota, strict=True):
        members = [k for k, i in enumerate(rows) if body[indexed.sentences[i].paragraph].section in group]
        for _ in range(count):
            pick = _mmr(members, chosen, salience, lambda a, b: similarity.between_sentences(rows[a], rows[b]))
            if pick is None:
                break
            chosen.append(pick)
    chosen.sort(key=lambda k: rows[k])
    return [KeySentence(indexed.sentences[rows[k]], body[indexed.sentences[rows[k]].paragraph].section, float(salience[k])) for k in chosen]


def _group_sections(sections: list[str | None], per_sentence: list[str | None], wanted: int) -> list[set[str | None]]:
    """Fewer bullets than sections: neighbouring sections share a bullet, balanced by size."""
    if wanted >= len(sections):
        return [{s} for s in sections]
    sizes = [per_sentence.count(s) for s in sections]
    groups: list[set[str | None]] = []
    target = sum(sizes) / wanted
    current: set[str | None] = set()
    filled = 0
    for s, size in zip(sections, sizes, strict=True):
        remaining_sections = len(sections) - sections.index(s)
        remaining_groups = wanted - len(groups)
        if current and (filled + size / 2 > target or remaining_sections <= remaining_groups - 1):
            groups.append(current)
            current, filled = set(), 0
        current.add(s)
        filled += size
    groups.append(current)
    return groups


def _quota(groups: list[set[str | None]], wanted: int, per_sentence: list[str | None]) -> list[int]:
    """One bullet per group; any more go to the groups with the most to say."""
    quota = [1] * len(groups)
    sizes = [sum(s in g for s in per_sentence) for g in groups]
    extra = wanted - len(groups)
    order = sorted(range(len(groups)), key=lambda g: -sizes[g])
    for n in range(max(0, extra)):
        quota[order[n % len(order)]] += 1
    return quota


def _mmr(members: list[int], chosen: list[int], salience: np.ndarray, between: Callable[[int, int], float]) -> int | None:
    """The most salient sentence that repeats least of what is already chosen."""
    best, best_score = None, -np.inf
    for k in members:
        if k in chosen:
            continue
        redundancy = max((between(k, c) for c in chosen), default=0.0)
        score = MMR_LAMBDA * float(salience[k]) - (1 - MMR_LAMBDA) * redundancy
        if score > best_score:
            best, best_score = k, score
    return best
