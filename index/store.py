"""The vector store: one Chroma collection per (article content, embedding model).

Chroma runs embedded on disk by default, or as a `chroma run` server when a host is set.
Collections are keyed by a hash, so indexing the same article again is a no-op and a changed
article or model gets a fresh collection. Paragraphs and their sentences are both stored:
paragraphs for retrieval, sentences for choosing the quote.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index.article import Article, quotable_sentences
from index.embeddings import Embedder, WordVectors
from index.similarity import Similarity
from index.text import terms

log = logging.getLogger(__name__)
ADD_BATCH = 1000  # rows per Chroma write (a server caps one request at a few thousand)
Progress = Callable[[int, int], None]
STAGING_PREFIX = "building-"  # a collection being written; renamed to its final name when complete
STALE_STAGING_SECONDS = 3600


class StoreError(RuntimeError):
    """The vector store cannot be reached; the message says what to do."""


@dataclass(frozen=True)
class SentenceRef:
    paragraph: int
    start: int
    end: int
    text: str


@dataclass
class IndexedArticle:
    """What the assistant needs at question time, loaded once per article."""

    article: Article
    collection_name: str
    sentences: list[SentenceRef]
    sentence_vectors: np.ndarray
    paragraph_vectors: np.ndarray
    sentence_words: list[WordVectors] | None = None  # filled by VectorStore.with_words when an answerer needs them

    @cached_property
    def similarity(self) -> Similarity:
        return Similarity(self.sentence_vectors, self.paragraph_vectors)

    @cached_property
    def sentence_terms(self) -> list[set[str]]:
        """Each sentence's lexical terms (`index.text.terms`), made once, not per question."""
        return [set(terms(s.text)) for s in self.sentences]


def chroma_client(store_dir: Path, host: str | None = None, port: int = 8000):
    """The embedded store on disk, or a `chroma run` server. A damaged store on disk is set aside
    (renamed, never deleted) and a fresh one built: the index can always be made again from the
    articles, and the app must start."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
        except Exception as exc:
            raise StoreError(
                f"The Chroma server at {host}:{port} does not answer ({exc}). Start it (chroma run --path DIR --port {port}) "
                "or unset ARTICLE_CHAT_CHROMA_HOST to use the store on disk."
            ) from exc
    store_dir.mkdir(parents=True, exist_ok=True)
    path = store_dir / "chroma"
    try:
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        client.list_collections()
        return client
    except Exception as exc:
        damaged = path.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}")
        log.warning("The index at %s cannot be read (%s); moving it to %s and building a new one.", path, exc, damaged)
        from chromadb.api.shared_system_client import SharedSystemClient

        # Chroma caches one system per path, the broken one included; forget only that one.
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        path.rename(damaged)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


@contextmanager
def build_lock(lock_dir: Path | None, name: str) -> Iterator[None]:
    """One process at a time builds a collection; the others wait, then find it complete.
    (Embedded store only. Processes sharing a Chroma server may each build the same article at
    once: that costs time, not correctness, since builds write under staging names, see `_build`.)
    filelock's OS lock is freed if its holder dies; a waiter polls for it every 50 ms."""
    if lock_dir is None:
        yield
        return
    from filelock import FileLock

    lock_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_dir / f"{name}.lock"):
        yield


class VectorStore:
    def __init__(self, client, embedder: Embedder, lock_dir: Path | None = None, words_dir: Path | None = None) -> None:
        self.client = client
        self.embedder = embedder
        self.lock_dir = lock_dir
        self.words_dir = words_dir
        self._swept_at = float("-inf")

    def collection_name(self, article: Article) -> str:
        key = hashlib.sha256(f"{article.content_hash}|{self.embedder.model_id}".encode()).hexdigest()
        return f"article-{key[:32]}"

    def index(self, article: Article, progress: Progress | None = None) -> IndexedArticle:
        """Embed and store the article unless an identical, complete collection exists."""
        name = self.collection_name(article)
        items = index_items(article)
        with build_lock(self.lock_dir, name):
            existing = self._complete_collection(name, len(items))
            if existing is None:
                self._build(name, article, items, progress)
        return self._load(name, article)

    def exists(self, article: Article) -> bool:
        try:
            self.client.get_collection(self.collection_name(article), embedding_function=None)
            return True
        except Exception:
            return False

    def _complete_collection(self, name: str, expected: int):
        try:
            col = self.client.get_collection(name, embedding_function=None)
        except Exception:
            return None
        if col.count() == expected and (col.metadata or {}).get("items") == expected:
            return col
        # Builds write under a staging name (see `_build`), so nothing writes under this one.
        log.warning("Index %s is incomplete (%s of %s items); rebuilding it.", name, col.count(), expected)
        self.client.delete_collection(name)
        return None

    def _build(self, name: str, article: Article, items: list[tuple[str, str, dict]], progress: Progress | None) -> None:
        """Every text embedded first (the embedder orders them by length and reports progress, which the
        page shows), then stored in Chroma with the vectors we made: Chroma never embeds.
        The rows go into a staging collection that is renamed to `name` once complete, so a process
        sharing the server never sees, or deletes, a collection another one is still writing."""
        metadata = {"hnsw:space": "cosine", "article_id": article.id, "items": len(items), "model": self.embedder.model_id}
        ids, texts, metas = (list(column) for column in zip(*items, strict=True))
        vectors = self.embedder.encode_passages(texts, progress)
        self._drop_stale_staging()
        staging = f"{STAGING_PREFIX}{name}-{int(time.time())}-{secrets.token_hex(4)}"
        collection = self.client.create_collection(staging, metadata=metadata, embedding_function=None)
        try:
            for start in range(0, len(items), ADD_BATCH):
                end = start + ADD_BATCH
                collection.add(ids=ids[start:end], embeddings=vectors[start:end], documents=texts[start:end], metadatas=metas[start:end])
            self._publish(collection, name, len(items))
        except BaseException:
            self._drop(staging)
            raise

    def _publish(self, collection, name: str, expected: int) -> None:
        """Rename the finished staging collection into place; where another process got there
        first with a complete collection, keep theirs and drop ours. An incomplete one in the way
        (left by a build from before staging) is deleted by `_complete_collection`, and the rename
        is tried once more, so a finished build is never thrown away for it."""
        for attempt in range(2):
            try:
                collection.modify(name=name)
                return
            except Exception:
                if self._complete_collection(name, expected) is not None:
                    log.info("Index %s was built by another process meanwhile; using that one.", name)
                    self._drop(collection.name)
                    return
                if attempt:
                    raise

    def _drop_stale_staging(self) -> None:
        """Staging collections left by builds that died (killed, or the server restarted under them).
        A live one is only seconds old: it is made after embedding, when only the writes remain.
        Swept at most once an hour per store: listing a busy server's collections costs ~0.2 s."""
        now = time.time()
        if now - self._swept_at < STALE_STAGING_SECONDS:
            return
        self._swept_at = now
        for col in self.client.list_collections():
            started = _staging_started(col.name)
            if started is not None and now - started > STALE_STAGING_SECONDS:
                log.warning("Removing %s, left by an index build that did not finish.", col.name)
                self._drop(col.name)

    def _drop(self, name: str) -> None:
        try:
            self.client.delete_collection(name)
        except Exception as exc:  # already gone, or the store is down: the caller's error matters more
            log.debug("Could not delete collection %s: %s", name, exc)

    def _load(self, name: str, article: Article) -> IndexedArticle:
        col = self.client.get_collection(name, embedding_function=None)
        got = col.get(include=["embeddings", "metadatas"])
        by_id = dict(zip(got["ids"], zip(got["embeddings"], got["metadatas"], strict=True), strict=True))
        para_vecs = np.stack([np.asarray(by_id[f"p{p.number}"][0], dtype=np.float32) for p in article.paragraphs])
        sentences: list[SentenceRef] = []
        sent_vecs = []
        for p in article.paragraphs:
            for k, (start, end, text) in enumerate(quotable_sentences(p)):
                sentences.append(SentenceRef(p.number, start, end, text))
                sent_vecs.append(np.asarray(by_id[f"p{p.number}s{k}"][0], dtype=np.float32))
        dim = para_vecs.shape[1]
        sent_matrix = np.stack(sent_vecs) if sent_vecs else np.zeros((0, dim), dtype=np.float32)
        return IndexedArticle(article, name, sentences, sent_matrix, para_vecs)

    def with_words(self, indexed: IndexedArticle) -> IndexedArticle:
        """The article with word vectors of every sentence, for word-level alignment with questions.
        Only the learned answerer needs them, so they cost nothing until it asks. Chroma keeps one
        vector per item, so these live beside it in a file (float16), made again when missing."""
        if indexed.sentence_words is None:
            indexed.sentence_words = self._sentence_words(indexed.collection_name, [s.text for s in indexed.sentences])
        return indexed

    def _sentence_words(self, name: str, texts: list[str]) -> list[WordVectors]:
        path = self.words_dir / f"{name}.npz" if self.words_dir is not None else None
        if path is not None and path.exists():
            try:
                return _read_words(path, texts)
            except Exception as exc:  # a damaged or foreign file is derived data: make it again
                log.warning("Word vectors at %s cannot be read (%s); computing them again.", path, exc)
        words = self.embedder.encode_words(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            _write_words(tmp, words)
            tmp.replace(path)
        return words

    def search(self, indexed: IndexedArticle, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top-k paragraphs by cosine similarity, exact, over the vectors `_load` read from Chroma.
        An article has hundreds to a few thousand paragraphs, so one matrix product is exact and
        costs well under 1 ms, where a query through Chroma's HNSW index took 3 ms of a 16 ms answer
        (wrapper, filter and a round trip to the server when one is configured)."""
        return indexed.similarity.top_paragraphs(query_vector, k)


def _write_words(path: Path, words: list[WordVectors]) -> None:
    counts = np.array([len(w.spans) for w in words], dtype=np.int32)
    spans = np.array([s for w in words for s in w.spans], dtype=np.int32).reshape(-1, 2)
    dim = words[0].vectors.shape[1] if words else 0
    vectors = np.concatenate([w.vectors for w in words]) if words else np.zeros((0, dim))
    digest = hashlib.sha256("\x00".join(w.text for w in words).encode()).hexdigest()
    np.savez(path, counts=counts, spans=spans, vectors=vectors.astype(np.float16), digest=np.array(digest))


def _read_words(path: Path, texts: list[str]) -> list[WordVectors]:
    with np.load(path) as data:
        if str(data["digest"]) != hashlib.sha256("\x00".join(texts).encode()).hexdigest():
            raise ValueError("the file belongs to other sentences")
        counts, spans, vectors = data["counts"], data["spans"], data["vectors"].astype(np.float32)
    out, at = [], 0
    for text, n in zip(texts, counts, strict=True):
        out.append(WordVectors(text, tuple(map(tuple, spans[at : at + n].tolist())), vectors[at : at + n]))
        at += n
    return out


def _staging_started(name: str) -> float | None:
    """When a staging collection was made (the epoch seconds in its name), or None for any other."""
    if not name.startswith(STAGING_PREFIX):
        return None
    try:
        return float(name.rsplit("-", 2)[1])
    except (IndexError, ValueError):
        return None


def index_items(article: Article) -> list[tuple[str, str, dict]]:
    """(id, text, metadata) of each paragraph and each of its quotable sentences, as stored."""
    items: list[tuple[str, str, dict]] = []
    for p in article.paragraphs:
        items.append((f"p{p.number}", p.search_text, {"type": "paragraph", "paragraph": p.number, "kind": p.kind}))
        for k, (start, end, _text) in enumerate(quotable_sentences(p)):
            items.append((f"p{p.number}s{k}", p.text[start:end], {"type": "sentence", "paragraph": p.number, "start": start, "end": end}))
    return items
