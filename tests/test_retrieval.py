"""assistant/retrieval.py `Retriever` on an invented article with hand-made paragraph vectors.

The vector store is a fake (allowed in a unit test): an object with only `search(indexed, vector,
k)`, returning the (paragraph, similarity) pairs the test sets, as Chroma's search would. It lets
each test say what dense search found, so the fusion with BM25 can be checked by hand. The real
store is exercised end to end in tests/test_store.py and tests/test_assistant.py."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval import LEXICAL_WEIGHT, Hit, Retriever
from index.article import Article, ArticleMeta, Paragraph
from index.store import IndexedArticle


class FakeStore:
    """Dense search answered from a fixed list, best first; records the k it was asked for."""

    def __init__(self, found: list[tuple[int, float]]) -> None:
        self.found = found
        self.asked: list[int] = []

    def search(self, indexed: IndexedArticle, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        self.asked.append(k)
        return self.found[:k]


# Every body paragraph has four search terms, so a paragraph holding the one query word once
# has BM25 equal to the ceiling: lexical 1.0, and 0.0 for the others.
PARAGRAPHS = [
    ("title", "Lantern fishing festival in Dovhe Pole"),
    ("meta", "12 March 2031"),
    ("body", "Bakers start before sunrise."),
    ("body", "A lantern lit the pier."),
    ("body", "Gulls circle fishing boats."),
    ("body", "Rain closed the market."),
]
VECTORS = [[0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
QUERY = np.array([0.6, 0.0, 0.8, 0.0], dtype=np.float32)  # by the vectors: 0.6 to paragraph 3, 0.8 to 5


def _indexed(paragraphs=PARAGRAPHS, vectors=VECTORS, sections=None) -> IndexedArticle:
    sections = sections or [None] * len(paragraphs)
    made = [
        Paragraph(number=n, text=text, kind=kind, section=section)
        for n, ((kind, text), section) in enumerate(zip(paragraphs, sections, strict=True), 1)
    ]
    article = Article(id="harbour", content_hash="any", meta=ArticleMeta(title=paragraphs[0][1], language="en"), paragraphs=made)
    paragraph_vectors = np.asarray(vectors, dtype=np.float32)
    paragraph_vectors /= np.linalg.norm(paragraph_vectors, axis=1, keepdims=True)
    return IndexedArticle(article, "harbour-collection", [], np.zeros((0, paragraph_vectors.shape[1]), np.float32), paragraph_vectors)


def _retrieve(found, query="lantern", k=10, **kwargs) -> list[Hit]:
    return Retriever(FakeStore(found), _indexed(), **kwargs).retrieve(query, QUERY, k)


def test_only_body_paragraphs_are_searched_by_bm25():
    retriever = Retriever(FakeStore([]), _indexed())
    assert retriever.searchable == [3, 4, 5, 6]
    assert retriever.lexical_scores("lantern") == {3: 0.0, 4: pytest.approx(1.0), 5: 0.0, 6: 0.0}
    assert retriever.lexical_scores("fishing") == {3: 0.0, 4: 0.0, 5: pytest.approx(1.0), 6: 0.0}


def test_lexical_scores_of_a_question_the_article_does_not_share_a_word_with_are_zero():
    retriever = Retriever(FakeStore([]), _indexed())
    assert retriever.lexical_scores("zeppelin") == dict.fromkeys([3, 4, 5, 6], 0.0)
    assert retriever.lexical_scores("") == dict.fromkeys([3, 4, 5, 6], 0.0)  # no ceiling: no division by zero
    half = retriever.lexical_scores("lantern zeppelin")[4]
    assert 0.0 < half < 1.0  # a word the article lacks counts against the match


def test_dense_and_bm25_scores_are_fused_and_a_word_match_can_overtake():
    hits = _retrieve([(3, 0.85), (4, 0.80)], k=2)
    assert hits == [
        Hit(4, pytest.approx(0.80 + LEXICAL_WEIGHT * 1.0), pytest.approx(0.80), pytest.approx(1.0)),
        Hit(3, pytest.approx(0.85), pytest.approx(0.85), 0.0),  # the store's similarity, not recomputed
    ]


def test_the_lexical_weight_is_a_setting():
    hits = _retrieve([(3, 0.85), (4, 0.80)], k=1, lexical_weight=0.5)
    assert hits == [Hit(4, pytest.approx(1.30), pytest.approx(0.80), pytest.approx(1.0))]
    assert _retrieve([(3, 0.85), (4, 0.80)], k=1, lexical_weight=0.0)[0].paragraph == 3


def test_title_and_meta_paragraphs_are_never_returned_even_when_dense_search_ranks_them_first():
    hits = _retrieve([(1, 0.99), (2, 0.97), (3, 0.50)], query="lantern fishing festival March 2031")
    numbers = [h.paragraph for h in hits]
    assert 1 not in numbers and 2 not in numbers
    assert sorted(numbers) == [3, 4, 5, 6]


def test_a_paragraph_found_only_by_bm25_gets_its_dense_score_from_the_vectors():
    hits = {h.paragraph: h for h in _retrieve([(3, 0.85)], query="fishing")}
    assert hits[5].dense == pytest.approx(0.8)  # QUERY . paragraph 5's vector
    assert hits[5].lexical == pytest.approx(1.0)
    assert hits[5].score == pytest.approx(0.8 + LEXICAL_WEIGHT * 1.0)
    assert hits[4].dense == pytest.approx(0.0)
    assert hits[3].dense == pytest.approx(0.85)


def test_hits_are_best_first_each_paragraph_once_and_k_limits_them():
    found = [(3, 0.85), (4, 0.80), (6, 0.10)]
    everything = _retrieve(found, query="lantern")
    assert [h.paragraph for h in everything] == [4, 3, 5, 6]  # 5 by its vector (0.8), 6 by the store (0.1)
    scores = [h.score for h in everything]
    assert scores == sorted(scores, reverse=True)
    assert [h.paragraph for h in _retrieve(found, query="lantern", k=1)] == [4]
    assert [h.paragraph for h in _retrieve(found, query="lantern", k=3)] == [4, 3, 5]
    assert _retrieve(found, k=0) == []


def test_dense_search_is_asked_for_more_than_k():
    for k, at_least in [(1, 10), (2, 10), (5, 15)]:
        store = FakeStore([(3, 0.85)])
        Retriever(store, _indexed()).retrieve("lantern", QUERY, k)
        assert len(store.asked) == 1 and store.asked[0] >= at_least


def test_a_section_heading_is_searched_with_its_paragraph():
    paragraphs = [("body", "Boats were late."), ("body", "Boats were late.")]
    indexed = _indexed(paragraphs, [[1, 0], [0, 1]], sections=[None, "Storm warning"])
    retriever = Retriever(FakeStore([(1, 0.5), (2, 0.5)]), indexed)
    assert retriever.lexical_scores("storm")[1] == 0.0
    assert retriever.lexical_scores("storm")[2] > 0.0
    assert retriever.retrieve("storm", np.array([0.6, 0.8], dtype=np.float32), 1)[0].paragraph == 2
