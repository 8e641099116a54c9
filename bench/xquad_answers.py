"""XQuAD for answer choice and refusal, split by article so nothing is reported on data it was fitted on.

The 240 Russian paragraphs are one index (real Chroma store, as `bench/xquad.py`). Each question
is asked as written (its gold sentence holds the answer span) and again with the sentence(s)
holding the answer removed from the index: an on-topic question the article no longer answers.
Removal is simulated in memory: the paragraph's vector is embedded again without those sentences,
BM25 sees its shortened text, and dense search is exact cosine (what Chroma's index approximates).

Used by `bench/train_answers.py` (fits the shipped model) and `bench/answers.py` (the report)."""

from __future__ import annotations

import copy
import hashlib
import json
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.xquad import XQUAD

FOLDS = 4
EVAL_LANGUAGES = ("ru", "en")
TRAIN_ONLY_LANGUAGES = ("de", "es", "tr", "vi")  # training data only, never reported


@dataclass
class Item:
    """One question about one Russian paragraph."""

    qid: str
    language: str
    article: int
    paragraph: int  # 1-based number in the index
    question: str
    answer: str
    answer_start: int  # in the Russian paragraph
    gold_rows: list[int] = field(default_factory=list)  # sentences holding the answer span

    @property
    def fold(self) -> int:
        return self.article % FOLDS


def load_items(languages: tuple[str, ...]) -> tuple[list[dict], list[Item]]:
    """Russian paragraphs, and for each language its questions with the Russian answer span."""
    ru = json.loads((XQUAD / "xquad.ru.json").read_text(encoding="utf-8"))["data"]
    paragraphs, gold = [], {}
    for a, art in enumerate(ru):
        for para in art["paragraphs"]:
            context = para["context"]
            shift = len(context) - len(context.lstrip("\ufeff"))
            paragraphs.append({"article": a, "context": context.lstrip("\ufeff")})
            for q in para["qas"]:
                ans = q["answers"][0]
                gold[q["id"]] = (a, len(paragraphs), ans["text"], ans["answer_start"] - shift)
    items = []
    for lang in languages:
        data = json.loads((XQUAD / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
        for art in data:
            for para in art["paragraphs"]:
                for q in para["qas"]:
                    a, p, text, start = gold[q["id"]]
                    items.append(Item(q["id"], lang, a, p, q["question"].strip(), text, start))
    return paragraphs, items


def mark_gold(indexed, items: list[Item]) -> None:
    by_paragraph: dict[int, list[int]] = {}
    for i, s in enumerate(indexed.sentences):
        by_paragraph.setdefault(s.paragraph, []).append(i)
    for it in items:
        end = it.answer_start + len(it.answer)
        it.gold_rows = [
            r for r in by_paragraph.get(it.paragraph, []) if indexed.sentences[r].start < end and indexed.sentences[r].end > it.answer_start
        ]


def question_views(embedder, items: list[Item], cache_dir: Path) -> list:
    """Query vectors and word vectors, cached on disk per language (they cost most of a run)."""
    from assistant.ranking import question_view
    from index.text import detect_language

    views = []
    for lang in dict.fromkeys(it.language for it in items):
        subset = [it for it in items if it.language == lang]
        texts = [it.question for it in subset]
        key = hashlib.sha256(("\n".join(texts) + embedder.model_id).encode()).hexdigest()[:16]
        path = cache_dir / f"questions-{lang}-{key}.pkl"
        if path.exists():
            vectors, words = pickle.loads(path.read_bytes())
        else:
            vectors = embedder.encode_queries(texts)
            words = embedder.encode_words(texts, "query")
            cache_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pickle.dumps((vectors, words)))
        views += [question_view(t, detect_language(t), v, w) for t, v, w in zip(texts, vectors, words, strict=True)]
    order = {id(it): k for k, it in enumerate(i for lang in dict.fromkeys(x.language for x in items) for i in items if i.language == lang)}
    return [views[order[id(it)]] for it in items]


class RemovedIndex:
    """The index with some sentences taken out of one paragraph, for one question at a time."""

    def __init__(self, embedder, indexed, retriever, profile, cache_dir: Path) -> None:
        self.embedder, self.indexed, self.retriever, self.profile = embedder, indexed, retriever, profile
        self.cache_path = cache_dir / f"removed-{indexed.collection_name}.pkl"
        self.vectors: dict[tuple[int, tuple[int, ...]], np.ndarray] = {}
        if self.cache_path.exists():
            self.vectors = pickle.loads(self.cache_path.read_bytes())

    def remaining_text(self, paragraph: int, rows: tuple[int, ...]) -> str:
        sents = [s for i, s in enumerate(self.indexed.sentences) if s.paragraph == paragraph and i not in rows]
        return " ".join(s.text for s in sents)

    def prepare(self, keys: list[tuple[int, tuple[int, ...]]]) -> None:
        missing = [k for k in dict.fromkeys(keys) if k not in self.vectors]
        if missing:
            texts = [self.remaining_text(p, rows) or "." for p, rows in missing]
            for k, v in zip(missing, self.embedder.encode_passages(texts), strict=True):
                self.vectors[k] = v
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            self.cache_path.write_bytes(pickle.dumps(self.vectors))

    def view(self, paragraph: int, rows: tuple[int, ...]):
        """(retrieve function, profile) with the sentences gone."""

        indexed = self.indexed
        para_vectors = indexed.paragraph_vectors.copy()
        para_vectors[paragraph - 1] = self.vectors[(paragraph, rows)]
        retriever = self.retriever
        position = retriever.searchable.index(paragraph)
        bm25 = copy.copy(retriever.bm25)
        bm25.docs = list(bm25.docs)
        bm25.lengths = list(bm25.lengths)
        from index.text import terms

        old, new = bm25.docs[position], Counter(terms(self.remaining_text(paragraph, rows)))
        bm25.docs[position], bm25.lengths[position] = new, sum(new.values())
        df = Counter()
        for c in bm25.docs:
            df.update(c.keys())
        n = len(bm25.docs)
        bm25.idf = {t: float(np.log(1 + (n - f + 0.5) / (f + 0.5))) for t, f in df.items()}
        del old

        def retrieve(query: str, vector: np.ndarray, k: int):
            return exact_retrieve(retriever, bm25, para_vectors, query, vector, k)

        profile = copy.copy(self.profile)
        profile.by_paragraph = dict(self.profile.by_paragraph)
        profile.by_paragraph[paragraph] = [r for r in self.profile.by_paragraph[paragraph] if r not in rows]
        if not profile.by_paragraph[paragraph]:
            del profile.by_paragraph[paragraph]
        return retrieve, profile


def exact_retrieve(retriever, bm25, para_vectors: np.ndarray, query: str, vector: np.ndarray, k: int):
    """The Retriever's fusion with exact dense scores and a given BM25."""
    from assistant.retrieval import Hit

    raw = bm25.scores(query)
    ceiling = bm25.max_score(query)
    hits = []
    for n, s in zip(retriever.searchable, raw, strict=True):
        dense = float(para_vectors[n - 1] @ vector)
        lex = s / ceiling if ceiling else 0.0
        hits.append(Hit(n, dense + retriever.lexical_weight * lex, dense, lex))
    hits.sort(key=lambda h: h.score, reverse=True)
    return hits[:k]
