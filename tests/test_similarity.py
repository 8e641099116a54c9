"""index/similarity.py on tiny hand-made unit vectors: every expected value is worked out by hand
(the dot product of normalised vectors is their cosine), no embedding model involved."""

from __future__ import annotations

import numpy as np
import pytest

from index.similarity import HUB_NEIGHBOURS, Similarity, hubness, word_alignment


def _rows(*vectors: list[float]) -> np.ndarray:
    m = np.asarray(vectors, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


# Three sentences in the plane: east, 53 degrees up (3-4-5 triangle), north.
EAST, SLANT, NORTH = [1.0, 0.0], [0.6, 0.8], [0.0, 1.0]
SENTENCES = _rows(EAST, SLANT, NORTH)
PARAGRAPHS = _rows(EAST, NORTH)


@pytest.fixture
def similarity() -> Similarity:
    return Similarity(SENTENCES.copy(), PARAGRAPHS.copy())


def test_query_against_every_sentence_or_chosen_rows_in_the_order_asked(similarity):
    query = np.array([0.6, 0.8], dtype=np.float32)
    assert similarity.to_sentences(query) == pytest.approx([0.6, 1.0, 0.8])
    assert similarity.to_sentences(query, [2, 0]) == pytest.approx([0.8, 0.6])
    assert similarity.to_sentences(query, np.array([1])) == pytest.approx([1.0])


def test_one_sentence_and_paragraphs_numbered_from_one(similarity):
    east = np.array([1.0, 0.0], dtype=np.float32)
    assert similarity.to_sentence(1, east) == pytest.approx(0.6)
    assert isinstance(similarity.to_sentence(1, east), float)
    assert similarity.to_paragraph(1, east) == pytest.approx(1.0)  # paragraph 1 is row 0
    assert similarity.to_paragraph(2, east) == pytest.approx(0.0)


def test_between_sentences_is_symmetric(similarity):
    assert similarity.between_sentences(0, 1) == pytest.approx(0.6)
    assert similarity.between_sentences(1, 2) == pytest.approx(0.8)
    assert similarity.between_sentences(2, 1) == similarity.between_sentences(1, 2)
    assert similarity.between_sentences(0, 2) == pytest.approx(0.0)
    assert similarity.between_sentences(1, 1) == pytest.approx(1.0)


def test_centroid_is_the_normalised_mean_and_leaves_the_paragraphs_alone(similarity):
    half = 1 / np.sqrt(2)
    assert similarity.centroid([1, 2]) == pytest.approx([half, half])
    assert similarity.centroid([2]) == pytest.approx([0.0, 1.0])
    assert similarity.centroid([2, 2, 1, 1]) == pytest.approx([half, half])
    assert np.linalg.norm(similarity.centroid([1, 2])) == pytest.approx(1.0)
    similarity.centroid([1, 2])[:] = 7.0  # the caller's copy, not the stored vectors
    assert similarity.to_paragraph(1, np.array([1.0, 0.0])) == pytest.approx(1.0)


def test_centroid_of_opposite_paragraphs_is_zero_not_nan():
    opposite = Similarity(SENTENCES, _rows([1.0, 0.0], [-1.0, 0.0]))
    centroid = opposite.centroid([1, 2])
    assert not np.isnan(centroid).any()
    assert centroid == pytest.approx([0.0, 0.0])


def test_hubness_is_the_mean_closeness_to_the_nearest_others_never_to_itself():
    # Pairwise: east-slant 0.6, slant-north 0.8, east-north 0.
    assert hubness(SENTENCES, neighbours=1) == pytest.approx([0.6, 0.8, 0.8])
    assert hubness(SENTENCES, neighbours=2) == pytest.approx([0.3, 0.7, 0.4])
    # More neighbours asked than there are other sentences: all the others.
    assert hubness(SENTENCES, neighbours=HUB_NEIGHBOURS) == pytest.approx([0.3, 0.7, 0.4])
    assert hubness(SENTENCES).dtype == np.float32


def test_hubness_leaves_the_vectors_unchanged():
    vectors = SENTENCES.copy()
    hubness(vectors, neighbours=1, chunk=1)
    assert np.array_equal(vectors, SENTENCES)


def test_a_sentence_close_to_every_other_is_the_hub():
    # Four axis sentences and one at the centre of them: cosine 0.5 to each.
    vectors = _rows([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, 1, 1, 1])
    hub = hubness(vectors)
    assert hub[4] == pytest.approx(0.5)
    assert hub[:4] == pytest.approx([0.125] * 4)  # one neighbour at 0.5, three at 0, out of four
    assert int(np.argmax(hub)) == 4


def _brute_force(vectors: np.ndarray, neighbours: int) -> np.ndarray:
    out = []
    for i, v in enumerate(vectors):
        others = sorted((float(v @ w) for j, w in enumerate(vectors) if j != i), reverse=True)
        out.append(np.mean(others[:neighbours]))
    return np.array(out)


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 13, 1024])
def test_hubness_in_chunks_is_the_same_as_in_one(chunk):
    rng = np.random.default_rng(7)
    vectors = _rows(*rng.normal(size=(13, 4)).tolist())
    whole = hubness(vectors, neighbours=4, chunk=1024)
    assert hubness(vectors, neighbours=4, chunk=chunk) == pytest.approx(whole, abs=1e-6)
    assert whole == pytest.approx(_brute_force(vectors, 4), abs=1e-5)


@pytest.mark.parametrize("n", [0, 1])
def test_hubness_of_fewer_than_two_sentences_is_zero(n):
    vectors = _rows([0.6, 0.8])[:n]
    out = hubness(vectors)
    assert out.shape == (n,)
    assert not out.any()


def test_hubness_property_is_computed_once(similarity, monkeypatch):
    calls = []

    def counting(vectors, *args, **kwargs):
        calls.append(len(vectors))
        return hubness(vectors, *args, **kwargs)

    monkeypatch.setattr("index.similarity.hubness", counting)
    first = similarity.hubness
    assert first == pytest.approx([0.3, 0.7, 0.4])
    assert similarity.hubness is first
    assert calls == [3]


def test_word_alignment_is_every_word_of_one_against_every_word_of_the_other():
    a = _rows([1, 0, 0], [0, 0.6, 0.8])
    b = _rows([1, 0, 0], [0, 1, 0], [0, 0, 1])
    grid = word_alignment(a, b)
    assert grid.shape == (2, 3)
    assert grid == pytest.approx(np.array([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8]]))
    assert word_alignment(b, a) == pytest.approx(grid.T)


def test_word_alignment_with_no_words_is_an_empty_grid_of_the_right_shape():
    words = _rows([1, 0, 0], [0, 1, 0])
    none = np.zeros((0, 3), dtype=np.float32)
    assert word_alignment(none, words).shape == (0, 2)
    assert word_alignment(words, none).shape == (2, 0)
    assert word_alignment(none, none).shape == (0, 0)


def test_top_paragraphs_are_the_k_most_similar_best_first_numbered_from_one():
    paragraphs = _rows([1, 0, 0], [0.6, 0.8, 0], [0, 1, 0], [0, 0, 1])
    similarity = Similarity(np.zeros((0, 3), dtype=np.float32), paragraphs)
    query = np.array([0, 1, 0], dtype=np.float32)
    top = similarity.top_paragraphs(query, 2)
    assert [n for n, _ in top] == [3, 2]
    assert [s for _, s in top] == pytest.approx([1.0, 0.8])
    assert [n for n, _ in similarity.top_paragraphs(query, 10)][:2] == [3, 2]
    assert len(similarity.top_paragraphs(query, 10)) == 4
    assert similarity.top_paragraphs(query, 0) == []
