"""One `Assistant` per article, sharing one embedding model and one store.

The page serves many people who switch between the default article and their own: models load
once per process, an article is indexed once, and only the last few articles stay in memory."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from assistant.llm import make_chat_model
from assistant.service import Assistant
from index.article import Article, ArticleError, article_from_bytes, slug
from index.embeddings import embedder_for
from index.library import DEFAULT_ID, ArticleLibrary
from index.readers import ARTICLE_SUFFIXES
from index.store import VectorStore, chroma_client
from settings import Settings

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]


def open_assistant(settings: Settings | None = None, article: str | Article | None = None) -> Assistant:
    """One assistant for one article (a reference as `AssistantPool.get` takes, or an `Article`)."""
    pool = AssistantPool(settings)
    return pool.add(article) if isinstance(article, Article) else pool.get(article)


class AssistantPool:
    def __init__(self, settings: Settings | None = None, keep: int = 8) -> None:
        self.settings = settings or Settings()
        self.model = make_chat_model(self.settings)  # None for the offline default; a bad setting fails before the model loads
        self.embedder = embedder_for(self.settings)
        store_dir = self.settings.resolved_store_dir
        client = chroma_client(store_dir, self.settings.chroma_host, self.settings.chroma_port)
        self.store = VectorStore(client, self.embedder, None if self.settings.chroma_host else store_dir / "locks", store_dir / "words")
        self.library = ArticleLibrary(self.settings.resolved_store_dir, self.settings.max_article_bytes)
        self.keep = keep
        self._assistants: OrderedDict[str, Assistant] = OrderedDict()
        self._lock = threading.Lock()
        self._indexing = threading.Lock()

    def get(self, ref: str | None = None) -> Assistant:
        """`default`, an indexed article id or a file path."""
        ref = (ref or self.settings.article or DEFAULT_ID).strip()
        with self._lock:
            if ref in self._assistants:
                self._assistants.move_to_end(ref)
                return self._assistants[ref]
        return self.add(self.library.resolve(ref), key=ref)

    def add(self, article: Article, progress: Progress | None = None, key: str | None = None) -> Assistant:
        """Index (or reuse the index of) an article and keep its assistant."""

        def embedded(done: int, total: int) -> None:
            if progress is not None:
                progress(0.1 + 0.85 * done / total, f"{done}/{total}")

        with self._indexing:
            if self.library.has(article) and not self.store.exists(article):
                log.warning(
                    "The index of article '%s' is missing (deleted, or the embedding model changed); building it again.", article.id
                )
            indexed = self.store.index(article, embedded)
            self.library.save(article)
        assistant = Assistant(self.settings, self.embedder, self.store, indexed, self.model)
        with self._lock:
            for k in {key or article.id, article.id}:
                self._assistants[k] = assistant
                self._assistants.move_to_end(k)
            while len(self._assistants) > self.keep:
                self._assistants.popitem(last=False)
        if progress is not None:
            progress(1.0, "ready")
        return assistant

    def add_upload(self, data: bytes, name: str, progress: Progress | None = None) -> Assistant:
        """A file or pasted text from a person; the id says where it came from and what it holds."""
        if len(data) > self.settings.max_article_bytes:
            raise ArticleError(f"The article is {len(data):,} bytes; the limit is {self.settings.max_article_bytes:,}.")
        stem, dot, suffix = name.rpartition(".")
        if not dot or f".{suffix.lower()}" not in ARTICLE_SUFFIXES:
            raise ArticleError(f"'{name}' is not an article file: use .txt, .md or .html.")
        if progress is not None:
            progress(0.05, "reading")
        article = article_from_bytes(data, name)
        article = article.model_copy(update={"id": f"{slug(stem)[:40]}-{article.content_hash[:8]}"})
        return self.add(article, progress)
