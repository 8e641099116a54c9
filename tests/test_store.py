"""The Chroma store: keyed by content and model, idempotent, self-healing."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from index.article import DEFAULT_ARTICLE, article_from_bytes, load_article
from index.embeddings import embedder_for
from index.store import STAGING_PREFIX, STALE_STAGING_SECONDS, VectorStore, chroma_client, index_items


@pytest.fixture(scope="module", params=["embedded", "server"])
def store(request, settings, tmp_path_factory, chroma_servers):
    """Every test runs against the embedded store and against a real `chroma run` server."""
    embedder = embedder_for(settings)
    if request.param == "embedded":
        return VectorStore(chroma_client(tmp_path_factory.mktemp("chroma")), embedder)
    return VectorStore(chroma_client(Path("unused"), "127.0.0.1", chroma_servers()), embedder)


def test_reindexing_the_same_article_is_a_no_op(store):
    article = load_article(DEFAULT_ARTICLE)
    first = store.index(article)
    col = store.client.get_collection(first.collection_name)
    count = col.count()
    second = store.index(load_article(DEFAULT_ARTICLE))
    assert second.collection_name == first.collection_name
    assert store.client.get_collection(first.collection_name).count() == count
    assert len(store.client.list_collections()) == 1
    assert (second.paragraph_vectors == first.paragraph_vectors).all()


def test_changed_article_gets_a_new_collection(store):
    a = article_from_bytes(b"Title\n\nThe council met on Monday. It approved the budget.\n", "a.txt", "a")
    b = article_from_bytes(b"Title\n\nThe council met on Tuesday. It rejected the budget.\n", "a.txt", "a")
    assert store.collection_name(a) != store.collection_name(b)
    assert store.index(a).collection_name != store.index(b).collection_name


def test_incomplete_collection_is_rebuilt(store, caplog):
    article = article_from_bytes(b"Title\n\nOne sentence here. Another one there.\n\nSecond paragraph.\n", "c.txt", "c")
    indexed = store.index(article)
    col = store.client.get_collection(indexed.collection_name)
    col.delete(ids=["p2"])
    rebuilt = store.index(article)
    assert store.client.get_collection(rebuilt.collection_name).count() == col.metadata["items"]
    assert "incomplete" in caplog.text


def test_dense_search_agrees_with_chromas_own_query(store):
    """Search runs over the vectors read from Chroma; Chroma's own query must rank them the same."""
    indexed = store.index(load_article(DEFAULT_ARTICLE))
    vector = store.embedder.encode_queries(["Макрон Париж"])[0]
    hits = store.search(indexed, vector, 5)
    assert hits[0][0] == 9
    col = store.client.get_collection(indexed.collection_name)
    got = col.query(query_embeddings=[vector.tolist()], n_results=5, where={"type": "paragraph"}, include=["metadatas", "distances"])
    assert [n for n, _ in hits] == [m["paragraph"] for m in got["metadatas"][0]]
    assert [s for _, s in hits] == pytest.approx([1.0 - d for d in got["distances"][0]], abs=1e-4)


def test_search_works_after_a_collection_is_deleted_and_rebuilt_in_the_same_process(store):
    """The page keeps one store for hours; an index deleted under it is rebuilt on the next use,
    and searching must go to the new collection, not a handle of the deleted one."""
    article = article_from_bytes(b"Title\n\nThe council met in Lviv on Monday.\n\nThe budget was approved.\n", "d.txt", "d")
    indexed = store.index(article)
    vector = store.embedder.encode_queries(["Where did the council meet?"])[0]
    assert store.search(indexed, vector, 1)[0][0] == 2
    store.client.delete_collection(indexed.collection_name)
    rebuilt = store.index(article)
    assert store.search(rebuilt, vector, 1)[0][0] == 2


def test_word_vectors_are_kept_beside_the_store_and_made_again_when_damaged(settings, tmp_path, caplog):
    """Word vectors (for word-level alignment) are derived data: a file that does not match the
    sentences, or cannot be read, is replaced, never trusted."""
    embedder = embedder_for(settings)
    store = VectorStore(chroma_client(tmp_path / "chroma"), embedder, words_dir=tmp_path / "words")
    article = article_from_bytes(b"Title\n\nThe council met in Lviv on Monday. It approved the budget.\n", "w.txt", "w")
    first = store.with_words(store.index(article))
    path = tmp_path / "words" / f"{first.collection_name}.npz"
    assert path.exists()
    assert [w.words for w in first.sentence_words][1] == ["The", "council", "met", "in", "Lviv", "on", "Monday"]
    again = store.with_words(store.index(article))
    assert all(np.allclose(a.vectors, b.vectors, atol=1e-2) for a, b in zip(first.sentence_words, again.sentence_words, strict=True))
    path.write_bytes(b"not an npz file")
    healed = store.with_words(store.index(article))
    assert "cannot be read" in caplog.text
    assert all(np.allclose(a.vectors, b.vectors, atol=1e-2) for a, b in zip(first.sentence_words, healed.sentence_words, strict=True))


class _ArrivesMidBuild:
    """The real client, except that while a build writes its first batch, a second store (another
    process sharing the server) indexes the same article: the interleaving that races in scale-out."""

    def __init__(self, client, other: VectorStore, article) -> None:
        self._client, self._other, self._article, self.seen = client, other, article, []

    def __getattr__(self, name):
        return getattr(self._client, name)

    def create_collection(self, name, **kwargs):
        collection = self._client.create_collection(name, **kwargs)
        add, arrived = collection.add, []

        def add_then_let_the_other_in(**rows):
            add(**rows)
            if not arrived:
                arrived.append(True)
                indexed = self._other.index(self._article)
                self.seen.append((indexed, self._client.get_collection(indexed.collection_name).id))

        collection.add = add_then_let_the_other_in
        return collection


def test_a_build_in_progress_is_neither_seen_nor_deleted_by_another_process(store, monkeypatch, caplog):
    """A store that arrives while another is still writing must not find (and delete as incomplete)
    the half-written collection; both end with the same complete index and no staging left."""
    monkeypatch.setattr("index.store.ADD_BATCH", 2)
    article = article_from_bytes(b"Title\n\nThe bridge opened in May. It cost 40 million.\n\nTraffic fell by a third.\n", "r.txt", "r")
    client = _ArrivesMidBuild(store.client, VectorStore(store.client, store.embedder), article)
    first = VectorStore(client, store.embedder).index(article)
    ((second, second_id),) = client.seen
    assert first.collection_name == second.collection_name
    assert store.client.get_collection(first.collection_name).id == second_id  # the first finisher's is kept
    assert "incomplete" not in caplog.text
    col = store.client.get_collection(first.collection_name)
    assert col.count() == col.metadata["items"] == len(index_items(article))
    assert (first.paragraph_vectors == second.paragraph_vectors).all()
    assert not [c.name for c in store.client.list_collections() if c.name.startswith(STAGING_PREFIX)]


def test_a_build_that_died_leaves_nothing_a_later_build_keeps(store, monkeypatch):
    """Staging from a killed build (hours old) is removed by the next build; a recent one, which
    may be another process writing right now, is left alone."""
    now = int(time.time())
    dead = store.client.create_collection(f"{STAGING_PREFIX}article-{'0' * 32}-{now - 2 * STALE_STAGING_SECONDS}-deadbeef")
    live = store.client.create_collection(f"{STAGING_PREFIX}article-{'1' * 32}-{now}-cafebabe")
    failing = article_from_bytes(b"Title\n\nThe pool reopens in June.\n", "f.txt", "f")
    store = VectorStore(store.client, store.embedder)  # a store that has not swept yet this hour

    def the_server_goes_away(self, **rows):
        raise ConnectionError("server went away")

    monkeypatch.setattr(type(live), "add", the_server_goes_away)
    with pytest.raises(ConnectionError):
        store.index(failing)
    names = {c.name for c in store.client.list_collections()}
    assert dead.name not in names and live.name in names
    assert not [n for n in names if n.startswith(STAGING_PREFIX) and n != live.name]  # the failed build cleaned up after itself
    assert not store.exists(failing)
    monkeypatch.undo()
    assert store.index(failing).collection_name == store.collection_name(failing)
    store.client.delete_collection(live.name)


class _RenameRefused:
    """The real client, except that a staging collection cannot be renamed: what a server does when
    the final name is taken, or when it fails mid-request."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def create_collection(self, name, **kwargs):
        collection = self._client.create_collection(name, **kwargs)

        def refuse(**changes):
            raise RuntimeError("rename refused")

        collection.modify = refuse
        return collection


def test_a_build_whose_rename_fails_with_nothing_complete_in_place_raises_and_cleans_up(store):
    """Not a silent success: no index under the final name, and no staging left behind."""
    article = article_from_bytes(b"Title\n\nThe ferry resumes in April.\n", "x.txt", "x")
    broken = VectorStore(_RenameRefused(store.client), store.embedder)
    with pytest.raises(RuntimeError, match="rename refused"):
        broken.index(article)
    assert not store.exists(article)
    assert not [c.name for c in store.client.list_collections() if c.name.startswith(STAGING_PREFIX)]


class _LeavesAHalfIndex:
    """The real client, except that while a build writes, a collection with part of the rows appears
    under the final name: what a build from before staging leaves when it dies."""

    def __init__(self, client, final: str) -> None:
        self._client, self._final = client, final

    def __getattr__(self, name):
        return getattr(self._client, name)

    def create_collection(self, name, **kwargs):
        collection = self._client.create_collection(name, **kwargs)
        add, done = collection.add, []

        def add_then_leave_a_half_index(**rows):
            add(**rows)
            if not done:
                done.append(True)
                half = self._client.create_collection(self._final, metadata=kwargs["metadata"], embedding_function=None)
                half.add(**{k: v[:1] for k, v in rows.items()})

        collection.add = add_then_leave_a_half_index
        return collection


def test_a_half_index_in_the_way_is_replaced_by_the_finished_build(store, caplog):
    """The incomplete collection under the final name is deleted and the finished staging renamed
    into its place; neither index is lost."""
    article = article_from_bytes(b"Title\n\nThe dam holds 3 billion litres.\n\nIt was built in 1961.\n", "h.txt", "h")
    name = store.collection_name(article)
    indexed = VectorStore(_LeavesAHalfIndex(store.client, name), store.embedder).index(article)
    assert indexed.collection_name == name
    assert "incomplete" in caplog.text
    col = store.client.get_collection(name)
    assert col.count() == col.metadata["items"] == len(index_items(article))
    assert not [c.name for c in store.client.list_collections() if c.name.startswith(STAGING_PREFIX)]


class _CountsListings:
    """The real client, counting `list_collections` calls (a busy server's listing costs ~0.2 s)."""

    def __init__(self, client) -> None:
        self._client, self.listings = client, 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def list_collections(self, *args, **kwargs):
        self.listings += 1
        return self._client.list_collections(*args, **kwargs)


def test_stale_staging_is_swept_once_an_hour_not_on_every_build(store):
    client = _CountsListings(store.client)
    counted = VectorStore(client, store.embedder)
    for text in (b"Title\n\nThe library opens at nine.\n", b"Title\n\nThe museum closes at six.\n"):
        counted.index(article_from_bytes(text, "s.txt", "s"))
    assert client.listings == 1
