"""The shared embedder under concurrent callers: queries waiting for the model ride in one batch,
get the vectors they would have got alone, and recent queries are not embedded twice."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from index.embeddings import Embedder, resolve_model

QUESTIONS = [
    "Де Токаєв зустрівся з Макроном?",
    "Сколько денег предложил Дональд Лу?",
    "Where did Tokayev meet Macron?",
    "Що пообіцяв Китай Казахстану?",
    "What is the capital of Peru?",
    "🙂",
]


@pytest.fixture(scope="module")
def embedder(settings) -> Embedder:
    """Its own instance (the real model): these tests count and break its calls."""
    name, model_id = resolve_model(settings.embedding_model, settings.models_dir)
    return Embedder(name, model_id, threads=1, cache=4)


@pytest.fixture
def calls(embedder, monkeypatch) -> list[list[str]]:
    """Every batch that reaches the model, in order; the model still runs."""
    seen: list[list[str]] = []
    real = embedder._model.preprocess

    def counting(texts, **kwargs):
        seen.append(list(texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(embedder._model, "preprocess", counting)
    embedder._cache.clear()
    return seen


def _ask_together(embedder: Embedder, texts: list[str]) -> tuple[dict[int, np.ndarray], dict[int, BaseException]]:
    """One thread per text, all queued while the model is busy, then let go at once."""
    out: dict[int, np.ndarray] = {}
    errors: dict[int, BaseException] = {}

    def ask(i: int) -> None:
        try:
            out[i] = embedder.encode_queries([texts[i]])[0]
        except BaseException as exc:
            errors[i] = exc

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    with embedder._lock:  # the model is "busy": every caller has to wait
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(embedder._waiting) < len(texts) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(embedder._waiting) == len(texts)
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a caller hung"
    return out, errors


def test_waiting_queries_share_one_forward_pass_and_get_their_own_vectors(embedder, calls):
    alone = {i: embedder._model.encode([q], prompt=embedder._query_prompt, normalize_embeddings=True)[0] for i, q in enumerate(QUESTIONS)}
    calls.clear()
    together, errors = _ask_together(embedder, QUESTIONS)
    assert not errors
    assert len(calls) == 1 and sorted(calls[0]) == sorted(QUESTIONS)
    for i in range(len(QUESTIONS)):
        # Each caller gets its own question's vector, not a neighbour's in the batch.
        sims = [float(together[i] @ alone[j]) for j in range(len(QUESTIONS))]
        assert int(np.argmax(sims)) == i
        assert sims[i] > 0.9999


def test_a_very_long_question_does_not_share_a_pass_with_short_ones(embedder, calls):
    long = "Токаєв " * 600
    out, errors = _ask_together(embedder, [*QUESTIONS[:3], long])
    assert not errors and len(out) == 4
    assert sorted(map(sorted, calls)) == sorted([sorted(QUESTIONS[:3]), [long]])


def test_repeated_questions_are_not_embedded_again(embedder, calls):
    first = embedder.encode_queries(QUESTIONS[:2])
    again = embedder.encode_queries([QUESTIONS[1], QUESTIONS[0], QUESTIONS[1]])
    assert calls == [QUESTIONS[:2]]
    assert np.array_equal(again, first[[1, 0, 1]])


def test_the_cache_keeps_only_the_latest_questions(embedder, calls):
    for q in QUESTIONS:  # six questions through a cache of four
        embedder.encode_queries([q])
    assert list(embedder._cache) == QUESTIONS[-4:]
    embedder.encode_queries([QUESTIONS[0]])
    assert calls[-1] == [QUESTIONS[0]]


def test_without_a_cache_every_call_reaches_the_model(embedder, calls, monkeypatch):
    monkeypatch.setattr(embedder, "_cache_size", 0)  # as built with cache=0
    a = embedder.encode_queries([QUESTIONS[0]])
    b = embedder.encode_queries([QUESTIONS[0]])
    assert len(calls) == 2 and not embedder._cache
    assert float(a[0] @ b[0]) > 0.9999


def test_a_failing_model_fails_every_waiting_caller_and_the_next_call_works(embedder, calls, monkeypatch):
    def broken(texts, **kwargs):  # a fake failure inside this unit test; the model itself is real
        raise RuntimeError("out of memory")

    real = embedder._model.preprocess
    monkeypatch.setattr(embedder._model, "preprocess", broken)
    out, errors = _ask_together(embedder, QUESTIONS[:4])
    assert not out and sorted(errors) == [0, 1, 2, 3]
    assert all(isinstance(e, RuntimeError) for e in errors.values())
    monkeypatch.setattr(embedder._model, "preprocess", real)
    assert embedder.encode_queries([QUESTIONS[0]]).shape == (1, embedder.dim)


def test_empty_input_gives_an_empty_matrix(embedder):
    assert embedder.encode_queries([]).shape == (0, embedder.dim)


def test_token_batches_group_by_length_within_budget():
    from index.embeddings import _token_batches

    lengths = [500, 10, 12, 480, 11, 30, 512, 9]
    batches = _token_batches(lengths, budget=1024, most=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 3
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 1024
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)


def test_passages_for_indexing_match_one_at_a_time_and_report_progress(embedder):
    """Batched by length on every core, each text gets the vector it gets alone, in its own place."""
    import torch

    texts = [
        "Короткий абзац.",
        "Довгий абзац " + "про зустрічі, переговори і угоди між країнами " * 60,
        "A sentence in English about a meeting in Paris.",
        "Предложение на русском языке о встрече в Астане.",
        "",
    ]
    seen: list[tuple[int, int]] = []
    together = embedder.encode_passages(texts, lambda done, total: seen.append((done, total)))
    alone = np.stack([embedder._forward([t], embedder._passage_prompt) for t in texts]).reshape(len(texts), -1)
    assert np.allclose(together, alone, atol=1e-4)
    assert seen and seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert torch.get_num_threads() == 1, "indexing must give the query path its single thread back"


def test_the_short_path_gives_what_sentence_transformers_encode_gives(embedder):
    texts = [*QUESTIONS, "", "Токаєв " * 600]
    for prompt in (embedder._query_prompt, embedder._passage_prompt):
        ours = embedder._forward(texts, prompt)
        theirs = embedder._model.encode(texts, prompt=prompt, normalize_embeddings=True, convert_to_numpy=True)
        assert np.allclose(ours, theirs, atol=1e-5)


def test_the_tokenizer_is_used_only_under_the_model_lock(embedder, monkeypatch):
    """Indexing and questions share one tokenizer, which keeps its padding settings from one call to
    the next: a question tokenized while indexing measured its texts could come out unpadded."""
    tokenizer = embedder._model.tokenizer
    real = type(tokenizer).__call__
    unlocked: list[object] = []

    def guarded(self, *args, **kwargs):
        if not embedder._lock.locked():
            unlocked.append(args[0] if args else kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(tokenizer), "__call__", guarded)
    embedder.encode_passages(["Перший абзац.", "Другий, довший абзац про бюджет міста."])
    embedder.encode_queries([f"{QUESTIONS[0]} (lock)"])
    embedder.encode_question(f"{QUESTIONS[1]} (lock)")
    assert not unlocked
