"""The offline answerer: quote the sentence(s) of the article that answer the question.

Nothing is generated, so nothing can be made up; the risk is quoting the wrong sentence or
quoting when the article is silent, which the refusal threshold guards against."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.answer_type import asks_amount, states_amount
from assistant.phrases import quoted
from assistant.retrieval import Hit
from index.article import Article
from index.store import IndexedArticle, SentenceRef
from index.text import key_terms, term_overlap, terms

# Refusal thresholds on `Evidence.confidence`, calibrated on XQuAD questions asked of an index
# that holds their article (answerable) or not (unanswerable), and on the development questions
# (bench/calibrate_refusal.py, docs/benchmarks.md). Similarities run lower across languages,
# for answerable and unanswerable questions alike, so each case has its own threshold.
SAME_LANGUAGE_THRESHOLD = 0.86
CROSS_LANGUAGE_THRESHOLD = 0.805
# An acronym or all-caps name in the question that the article never mentions ("GDP") is strong
# evidence that the article is silent.
UNKNOWN_ACRONYM_PENALTY = 0.03
PARAGRAPH_WEIGHT = 0.5
OVERLAP_WEIGHT = 0.1
SECOND_SENTENCE_MARGIN = 0.015
# Generic sentences ("Tokayev's meetings with world leaders are telling") sit close to every
# question about the article; subtracting their closeness to their neighbours (a CSLS-style
# hubness correction) lets the specific sentence win. +0.5 to +1.5 points on XQuAD. Re-fitted
# for the int8 vectors on XQuAD articles 0-23 (`bench/fit_hub_penalty.py`): 0.4 and 0.5 tie best,
# 0.3-0.5 lie within 3 of 632 questions; held out (24-47), 0.4 against 0.3: en +0.004, ru same.
HUB_PENALTY = 0.4
# "How many" asked, the quote must hold an amount: the best candidate that does, if it scores
# within this margin of the best one (chosen on XQuAD's folds: the smallest margin that loses
# no right answer); if none does, the article does not give the figure and the answer is refused.
AMOUNT_MARGIN = 0.03


@dataclass(frozen=True)
class Evidence:
    sentence: SentenceRef
    score: float
    confidence: float


def choose_evidence(
    indexed: IndexedArticle, query: str, query_vector: np.ndarray, hits: list[Hit], asked: str | None = None
) -> list[Evidence]:
    """Rank candidate sentences and return the best one, plus a second when it is nearly as
    good (answers often span two sentences). `asked`: the question as the reader wrote it (the
    query may carry an earlier question along); a "how many" keeps only quotes with an amount."""
    scored = rank(indexed, query, query_vector, hits)
    if asked is not None and asks_amount(asked):
        scored = holding_amount(scored, indexed.article.meta.language)
    chosen = pick(scored)
    if any(_ASKS.search(e.sentence.text) for e in chosen):  # the sections are read only when needed
        chosen = answer_after_question(indexed.sentences, chosen, section_starts(indexed.article))
    return chosen


def rank(
    indexed: IndexedArticle,
    query: str,
    query_vector: np.ndarray,
    hits: list[Hit],
    top_paragraphs: int = 3,
    top_sentences: int = 5,
) -> list[Evidence]:
    """Candidate sentences, best first.

    Candidates are the sentences of the best paragraphs and the best sentences anywhere among
    the retrieved paragraphs: one precise sentence inside a long, off-topic paragraph still
    gets its chance."""
    if not hits or not indexed.sentences:
        return []
    by_paragraph = {h.paragraph: h for h in hits}
    sims = indexed.similarity.to_sentences(query_vector)
    ranking = sims - HUB_PENALTY * indexed.similarity.hubness
    allowed = {h.paragraph for h in hits[:top_paragraphs]}
    for i in np.argsort(-ranking)[:top_sentences]:
        if indexed.sentences[i].paragraph in by_paragraph:
            allowed.add(indexed.sentences[i].paragraph)
    query_terms = key_terms(query)
    scored: list[Evidence] = []
    for i, sent in enumerate(indexed.sentences):
        if sent.paragraph not in allowed:
            continue
        hit = by_paragraph[sent.paragraph]
        dense = float(sims[i])
        score = float(ranking[i]) + PARAGRAPH_WEIGHT * hit.score + OVERLAP_WEIGHT * term_overlap(query_terms, indexed.sentence_terms[i])
        confidence = similarity_confidence(dense, hit)
        scored.append(Evidence(sent, score, confidence))
    scored.sort(key=lambda e: e.score, reverse=True)
    return scored


def pick(scored: list[Evidence]) -> list[Evidence]:
    """The best candidate, and the next one when it nearly ties."""
    chosen = scored[:1]
    # A second sentence only from the same paragraph: a near-tie elsewhere is more often a
    # generic sentence than the rest of the answer, and a wrong citation is worse than none.
    if (
        len(scored) > 1
        and scored[0].score - scored[1].score < SECOND_SENTENCE_MARGIN
        and scored[1].sentence.paragraph == scored[0].sentence.paragraph
    ):
        chosen.append(scored[1])
    return chosen


_ASKS = re.compile(r"\?[?!]*[»\"”’')]*\s*$")


def section_starts(article: Article) -> set[int]:
    """Paragraphs that open a new section or are not body text: an answer does not run into them."""
    out, previous = set(), None
    for p in article.paragraphs:
        if not p.is_body or (previous is not None and p.section != previous.section):
            out.add(p.number)
        previous = p
    return out


def answer_after_question(sentences: list[SentenceRef], chosen: list[Evidence], starts: set[int] | None = None) -> list[Evidence]:
    """A question the article asks itself ("What do we see on the counters?") echoes the reader's
    question without answering it; the sentence after it usually answers, so it is quoted too,
    unless it stands in another section (`starts`: `section_starts`)."""
    out = list(chosen)
    for e in chosen:
        if not _ASKS.search(e.sentence.text):
            continue
        row = sentences.index(e.sentence) + 1
        if row >= len(sentences) or sentences[row].paragraph > e.sentence.paragraph + 1:
            continue
        if sentences[row].paragraph != e.sentence.paragraph and sentences[row].paragraph in (starts or set()):
            continue
        after = sentences[row]
        if all(x.sentence != after for x in out):
            out.append(Evidence(after, e.score, e.confidence))
    return out


def holding_amount(scored: list[Evidence], language: str, margin: float = AMOUNT_MARGIN) -> list[Evidence]:
    """The candidates near the best that state an amount, best first."""
    if not scored:
        return []
    floor = scored[0].score - margin
    return [e for e in scored if e.score >= floor and states_amount(e.sentence.text, language)]


def about_name(indexed: IndexedArticle, scored: list[Evidence], rows: list[int], query_vector: np.ndarray) -> list[Evidence]:
    """'Who is X?' with `rows` the sentences naming X: the first of them (where an article
    introduces someone: "голова федерації Петро Білий") and the best-ranked one."""
    ranked = {(e.sentence.paragraph, e.sentence.start): e for e in scored}

    def evidence(row: int) -> Evidence:
        sentence = indexed.sentences[row]
        dense = indexed.similarity.to_sentence(row, query_vector)
        return ranked.get((sentence.paragraph, sentence.start)) or Evidence(sentence, dense, dense)

    naming = [evidence(r) for r in rows]
    best = pick(sorted((e for e in naming if (e.sentence.paragraph, e.sentence.start) in ranked), key=lambda e: -e.score))
    first = naming[0]
    return best if any(e.sentence == first.sentence for e in best) else [first, *best[:1]]


def similarity_confidence(sentence_dense: float, hit: Hit) -> float:
    """What the refusal thresholds are set on: the closer of sentence and paragraph, plus a little BM25."""
    return max(sentence_dense, hit.dense) + 0.1 * hit.lexical


def unknown_acronyms(question: str, vocabulary: set[str]) -> list[str]:
    """All-caps words of the question (GDP, NATO) that the article does not contain in any script."""
    found = re.findall(r"\b[A-ZА-ЯІЇЄҐЁ]{2,}\b", question)
    return [a for a in found if not set(terms(a)) <= vocabulary]


def is_confident(evidence: list[Evidence], threshold: float, penalty: float = 0.0) -> bool:
    return bool(evidence) and evidence[0].confidence - penalty >= threshold


def render(frame: str, evidence: list[Evidence]) -> str:
    """`Frame: «quote» [¶n] «quote» [¶m]`, quotes verbatim, in reading order."""
    ordered = sorted(evidence, key=lambda e: (e.sentence.paragraph, e.sentence.start))
    parts = [quoted(e.sentence.text, e.sentence.paragraph) for e in ordered]
    return f"{frame} " + " ".join(parts)
