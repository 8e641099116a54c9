"""index/lexical.py: BM25 over a few hand-made paragraphs, no model."""

from __future__ import annotations

import math

import pytest

from index.lexical import Bm25

DOCS = [
    "Бібліотеку в Ліщинську відкрили навесні після довгого ремонту.",
    "Мер Оксана Левадна відкрила новий міст через річку Сулу.",
    "Річка Сула розлилася навесні, і міст закрили на тиждень.",
    "Ярмарок меду зібрав пасічників з усієї області.",
]


@pytest.fixture(scope="module")
def bm25() -> Bm25:
    return Bm25(DOCS)


def best(bm25: Bm25, query: str) -> int:
    scores = bm25.scores(query)
    return max(range(len(scores)), key=scores.__getitem__)


def test_one_non_negative_score_per_document(bm25):
    scores = bm25.scores("міст через річку")
    assert len(scores) == len(DOCS)
    assert all(s >= 0 for s in scores)


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("Хто такий мер Левадна?", 1),
        ("Коли розлилася річка Сула?", 2),
        ("ярмарок меду", 3),
        ("Що сталося з бібліотекою?", 0),  # an inflected form of "бібліотеку"
        ("навесні ярмарок", 3),  # the rarer word outweighs the one two paragraphs share
    ],
)
def test_the_paragraph_with_the_query_words_ranks_first(bm25, query, document):
    assert best(bm25, query) == document


def test_a_paragraph_without_any_query_word_scores_zero(bm25):
    scores = bm25.scores("Левадна")
    assert scores[1] > 0
    assert scores[0] == scores[2] == scores[3] == 0


def test_more_matching_words_score_higher(bm25):
    assert bm25.scores("міст Левадна")[1] > bm25.scores("міст")[1]


def test_a_name_in_latin_letters_finds_its_cyrillic_spelling(bm25):
    assert bm25.scores("Oksana Levadna") == bm25.scores("Оксана Левадна")
    assert best(bm25, "Oksana Levadna") == 1


def test_a_word_absent_everywhere_scores_nothing_but_raises_the_ceiling(bm25):
    assert bm25.scores("зебра") == [0.0] * len(DOCS)
    assert bm25.max_score("зебра") > 0
    # Scores are unchanged by the unknown word, the ceiling grows: the normalised score falls.
    assert bm25.scores("Левадна зебра") == bm25.scores("Левадна")
    assert bm25.max_score("Левадна зебра") > bm25.max_score("Левадна")


@pytest.mark.parametrize("query", ["", "   ", "?!", "і в"])
def test_an_empty_query_scores_zero_everywhere(bm25, query):
    assert bm25.scores(query) == [0.0] * len(DOCS)
    assert bm25.max_score(query) == 0


# Equal lengths: every document is of average length, where BM25's length normalisation is neutral.
EQUAL = [
    "сова ловить мишей вночі",
    "лисиця ловить зайців взимку",
    "ведмідь спить взимку довго",
    "бджола збирає нектар влітку",
]


def test_a_document_holding_every_query_word_once_scores_the_ceiling():
    bm25 = Bm25(EQUAL)
    for query, document in [("сова мишей", 0), ("Лисиця ловить зайців", 1), ("ведмідь взимку", 2)]:
        scores = bm25.scores(query)
        assert math.isclose(scores[document], bm25.max_score(query))
        assert all(s / bm25.max_score(query) <= 1 + 1e-9 for s in scores)


def test_a_question_sharing_one_word_normalises_lower_than_one_sharing_all():
    bm25 = Bm25(EQUAL)
    full, partial = "сова ловить мишей", "сова полює на кажанів"
    assert bm25.scores(full)[0] / bm25.max_score(full) > bm25.scores(partial)[0] / bm25.max_score(partial) > 0


def test_repeated_query_words_count_once():
    bm25 = Bm25(EQUAL)
    assert bm25.scores("сова сова сова") == bm25.scores("сова")
    assert bm25.max_score("сова сова") == bm25.max_score("сова")


def test_an_empty_collection():
    bm25 = Bm25([])
    assert bm25.scores("сова") == []
    assert bm25.max_score("сова") > 0


def test_a_rare_word_weighs_more_than_a_common_one():
    bm25 = Bm25(EQUAL)  # "взимку" is in two documents, "сова" and "лисиця" in one each
    assert bm25.scores("сова")[0] > bm25.scores("взимку")[1] > 0
    assert bm25.max_score("лисиця") > bm25.max_score("взимку")
