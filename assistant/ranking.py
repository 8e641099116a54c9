"""Which sentence answers, and whether any does: features of each candidate sentence and two small
logistic models over them, fitted on XQuAD training folds by `bench/train_answers.py` (`make train`).

Whole-sentence similarity favours generic sentences that sit close to every question about the
article; the features add word-level alignment (does every content word of the question find its
counterpart in the sentence?), the kind of answer asked for (a person, a date, a number, a place)
and what the sentence adds beyond the question's own words."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from assistant.answer_type import AnswerKind, sentence_kinds, wanted_kind
from assistant.retrieval import Hit
from index.embeddings import WordVectors
from index.store import IndexedArticle
from index.text import key_terms, term_overlap

# Alignment: a question word counts as covered by a sentence word at or above this cosine
# (translations sit at about 0.85-0.95, unrelated words at 0.65-0.80).
COVERED = 0.8
NEW_WORD = 0.75
TOP_PARAGRAPHS = 3
TOP_SENTENCES = 5

SELECT_FEATURES = (
    "dense",
    "hub",
    "para_score",
    "para_dense",
    "para_lexical",
    "para_rank",
    "overlap",
    "align_mean",
    "align_min",
    "align_covered",
    "align_weighted",
    "align_excess",
    "context_align",
    "novelty",
    "kind_match",
    "kind_missing",
    "rel_dense",
    "rel_align",
    "rel_weighted",
    "log_length",
    "cross_language",
    "first_in_paragraph",
)
ANSWERABLE_FEATURES = (
    "select_logit",
    "select_margin",
    "align_mean",
    "align_min",
    "align_covered",
    "align_weighted",
    "align_excess",
    "dense",
    "para_dense",
    "para_lexical",
    "kind_match",
    "kind_missing",
    "article_min",
    "article_mean",
    "article_uncovered",
    "content_words",
    "cross_language",
)


@cache
def _function_words() -> frozenset[str]:
    data = json.loads(resources.files("assistant").joinpath("data/function_words.json").read_text(encoding="utf-8"))
    return frozenset(w for lang, ws in data.items() if not lang.startswith("_") for w in ws)


@dataclass(frozen=True)
class Question:
    """The question as the scorer sees it."""

    text: str
    language: str
    vector: np.ndarray
    words: WordVectors
    content: np.ndarray  # word vectors of its content words (all words when none is a content word)
    wants: AnswerKind | None


def question_view(text: str, language: str, vector: np.ndarray, words: WordVectors, asked: str | None = None) -> Question:
    """`asked`: the question as the person typed it, when `text` also carries an earlier turn."""
    keep = [i for i, w in enumerate(words.words) if w.lower() not in _function_words()]
    content = words.vectors[keep] if keep else words.vectors
    return Question(text, language, vector, words, content, wanted_kind(asked or text))


class ArticleProfile:
    """What the scorer needs of an article, computed once per indexed article."""

    def __init__(self, indexed: IndexedArticle) -> None:
        if indexed.sentence_words is None:
            raise ValueError("the article's word vectors are needed: VectorStore.with_words(indexed)")
        self.indexed = indexed
        self.language = indexed.article.meta.language
        self.hub = indexed.similarity.hubness
        self.kinds = [sentence_kinds(s.text, self.language) for s in indexed.sentences]
        self.terms = indexed.sentence_terms
        self.by_paragraph: dict[int, list[int]] = {}
        for i, s in enumerate(indexed.sentences):
            self.by_paragraph.setdefault(s.paragraph, []).append(i)
        dim = indexed.sentence_vectors.shape[1] if indexed.sentence_vectors.size else 384
        words = [w.vectors for w in indexed.sentence_words if len(w.vectors)]
        self.all_words = np.concatenate(words) if words else np.zeros((0, dim), dtype=np.float32)
        self.sentence_word_vectors = [w.vectors for w in indexed.sentence_words]
        self.word_rows = np.repeat(np.arange(len(indexed.sentence_words)), [len(w.vectors) for w in indexed.sentence_words])

    def neighbours(self, row: int) -> list[int]:
        """The sentences before and after `row` in its paragraph."""
        rows = self.by_paragraph[self.indexed.sentences[row].paragraph]
        k = rows.index(row)
        return rows[max(0, k - 1) : k] + rows[k + 1 : k + 2]


def scope_rows(profile: ArticleProfile, hits: list[Hit]) -> list[int]:
    """Sentences of the retrieved paragraphs: the neighbourhood a question is aligned with."""
    return [r for h in hits for r in profile.by_paragraph.get(h.paragraph, [])]


def candidate_rows(profile: ArticleProfile, question: Question, hits: list[Hit]) -> list[int]:
    """Sentences of the best paragraphs, and the best sentences anywhere among the retrieved ones:
    one precise sentence inside a long, off-topic paragraph still gets its chance."""
    indexed = profile.indexed
    retrieved = {h.paragraph for h in hits}
    allowed = {h.paragraph for h in hits[:TOP_PARAGRAPHS]}
    sims = indexed.similarity.to_sentences(question.vector)
    for i in np.argsort(-(sims - 0.3 * profile.hub))[:TOP_SENTENCES]:
        if indexed.sentences[i].paragraph in retrieved:
            allowed.add(indexed.sentences[i].paragraph)
    return [i for p in sorted(allowed) for i in profile.by_paragraph.get(p, [])]


class Alignment:
    """Word-level alignment of one question with every sentence of the article, computed once.

    `best[w, r]` is the best cosine between the question's content word w and any word of sentence
    r. A question word that aligns well with many sentences (the article's topic) says little; one
    that aligns with few says much, so each word is weighted by an inverse sentence frequency."""

    def __init__(self, profile: ArticleProfile, question: Question, scope: list[int], exclude: tuple[int, ...] = ()) -> None:
        """`scope`: the sentences to align with (those of the retrieved paragraphs); the article's
        coverage of the question is measured over every sentence but the excluded ones."""
        n = len(profile.indexed.sentences)
        nq = len(question.content)
        self.best = np.zeros((nq, n), dtype=np.float32)
        self.novelty = np.zeros(n, dtype=np.float32)
        self.article = np.zeros(nq, dtype=np.float32)
        scope = [r for r in scope if r not in exclude]
        words = profile.sentence_word_vectors
        if nq and scope:
            counts = np.array([len(words[r]) for r in scope])
            live = [r for r, c in zip(scope, counts, strict=True) if c]
            if live:
                block = np.concatenate([words[r] for r in live])
                starts = np.concatenate([[0], np.cumsum(counts[counts > 0])[:-1]]).astype(int)
                self.best[:, live] = np.maximum.reduceat(question.content @ block.T, starts, axis=1)
                new = ((question.words.vectors @ block.T).max(axis=0) < NEW_WORD).astype(np.float32)
                self.novelty[live] = np.add.reduceat(new, starts) / counts[counts > 0]
        if nq and len(profile.all_words):
            sims = question.content @ profile.all_words.T
            if exclude:
                sims[:, np.isin(profile.word_rows, exclude)] = -1.0
            self.article = sims.max(axis=1)
        local = self.best[:, scope] if scope else np.zeros((nq, 1), dtype=np.float32)
        df = (local >= COVERED).sum(axis=1)
        self.weights = np.log((local.shape[1] + 1) / (df + 1)) + 0.1
        self.typical = np.median(local, axis=1) if nq else np.zeros(0, dtype=np.float32)

    def sentence(self, row: int) -> tuple[float, float, float, float, float]:
        """(mean, min, share covered, weighted mean, mean excess over a typical sentence)."""
        cover = self.best[:, row]
        if not len(cover):
            return 0.0, 0.0, 0.0, 0.0, 0.0
        weighted = float((cover * self.weights).sum() / self.weights.sum())
        return float(cover.mean()), float(cover.min()), float((cover >= COVERED).mean()), weighted, float((cover - self.typical).mean())

    def context(self, rows: list[int]) -> float:
        """Mean coverage of the question by several sentences together (a sentence and its neighbours)."""
        if not len(self.best):
            return 0.0
        return float(self.best[:, rows].max(axis=1).mean())

    def coverage(self) -> dict[str, float]:
        """How well the whole article covers the question's content words: a word that nothing in
        the article aligns with is evidence that the article is silent."""
        best = self.article
        return {
            "article_min": float(best.min()) if len(best) else 0.0,
            "article_mean": float(best.mean()) if len(best) else 0.0,
            "article_uncovered": float((best < COVERED).sum()),
            "content_words": float(len(best)),
        }


def select_features(profile: ArticleProfile, question: Question, hits: list[Hit], rows: list[int], align: Alignment) -> np.ndarray:
    indexed = profile.indexed
    by_paragraph = {h.paragraph: (rank, h) for rank, h in enumerate(hits)}
    query_terms = key_terms(question.text)
    cross = float(question.language != profile.language)
    out = np.zeros((len(rows), len(SELECT_FEATURES)), dtype=np.float32)
    dense = indexed.similarity.to_sentences(question.vector, rows) if rows else np.zeros(0)
    for k, row in enumerate(rows):
        sent = indexed.sentences[row]
        rank, hit = by_paragraph[sent.paragraph]
        mean, low, covered, weighted, excess = align.sentence(row)
        kinds = profile.kinds[row]
        out[k] = (
            dense[k],
            profile.hub[row],
            hit.score,
            hit.dense,
            hit.lexical,
            1.0 / (1 + rank),
            term_overlap(query_terms, profile.terms[row]),
            mean,
            low,
            covered,
            weighted,
            excess,
            align.context([row, *profile.neighbours(row)]),
            align.novelty[row],
            float(question.wants is not None and question.wants in kinds),
            float(question.wants is not None and question.wants not in kinds),
            0.0,
            0.0,
            0.0,
            math.log1p(len(indexed.sentence_words[row].spans)),
            cross,
            float(profile.by_paragraph[sent.paragraph][0] == row),
        )
    if len(rows):
        for rel, base in (("rel_dense", "dense"), ("rel_align", "align_mean"), ("rel_weighted", "align_weighted")):
            col = out[:, SELECT_FEATURES.index(base)]
            out[:, SELECT_FEATURES.index(rel)] = col - col.max()
    return out


def answerable_features(coverage: dict[str, float], select: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Features of the question and its best candidate: is the best sentence an answer at all?"""
    order = np.argsort(-logits)
    best = select[order[0]]
    margin = float(logits[order[0]] - logits[order[1]]) if len(order) > 1 else 5.0
    get = {name: best[i] for i, name in enumerate(SELECT_FEATURES)}
    get.update(coverage, select_logit=float(logits[order[0]]), select_margin=min(margin, 5.0))
    return np.array([get[name] for name in ANSWERABLE_FEATURES], dtype=np.float32)


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic model: standardise, then a weighted sum."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: dict) -> Logistic:
        return cls(
            tuple(data["features"]),
            np.asarray(data["mean"], dtype=np.float32),
            np.asarray(data["scale"], dtype=np.float32),
            np.asarray(data["coef"], dtype=np.float32),
            float(data["intercept"]),
        )


@dataclass(frozen=True)
class AnswerModel:
    """Both models and the refusal threshold on the second one's probability."""

    select: Logistic
    answerable: Logistic
    threshold: float
    about: str = ""

    def to_json(self) -> dict:
        return {"about": self.about, "select": self.select.to_json(), "answerable": self.answerable.to_json(), "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> AnswerModel:
        return cls(
            Logistic.from_json(data["select"]), Logistic.from_json(data["answerable"]), float(data["threshold"]), data.get("about", "")
        )


@cache
def shipped_model() -> AnswerModel:
    data = json.loads(resources.files("assistant").joinpath("data/answer_model.json").read_text(encoding="utf-8"))
    return AnswerModel.from_json(data)


@dataclass(frozen=True)
class Ranked:
    rows: list[int]  # candidate sentences, best first
    logits: np.ndarray  # select logits in the same order
    probability: float  # that the best one answers the question
    features: np.ndarray  # select features in the same order


def rank(profile: ArticleProfile, question: Question, hits: list[Hit], model: AnswerModel) -> Ranked:
    rows = candidate_rows(profile, question, hits)
    if not rows:
        return Ranked([], np.zeros(0), 0.0, np.zeros((0, len(SELECT_FEATURES))))
    align = Alignment(profile, question, scope_rows(profile, hits))
    x = select_features(profile, question, hits, rows, align)
    logits = model.select.logits(x)
    z = float(model.answerable.logits(answerable_features(align.coverage(), x, logits)[None, :])[0])
    order = np.argsort(-logits)
    return Ranked([rows[i] for i in order], logits[order], 1 / (1 + math.exp(-z)), x[order])
