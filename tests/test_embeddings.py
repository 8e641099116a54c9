"""The shared embedder under concurrent callers: queries waiting for the model ride in one batch,
get the vectors they would have got alone, and recent queries are not embedded twice. Each test runs
on every engine (ONNX Runtime with int8 weights, the default; ONNX Runtime in float32; torch): the
float32 engines give sentence-transformers' own `encode()`, the int8 one stays close to it."""

from __future__ import annotations

import functools
import threading
import time

import numpy as np
import pytest

from index.embeddings import Embedder, load_embedder, load_engine, resolve_model
from index.engines import TorchEngine, int8_weights

QUESTIONS = [
    "Де Токаєв зустрівся з Макроном?",
    "Сколько денег предложил Дональд Лу?",
    "Where did Tokayev meet Macron?",
    "Що пообіцяв Китай Казахстану?",
    "What is the capital of Peru?",
    "🙂",
]


INT8_COSINE = 0.998  # the int8 engine's vectors against float32 (measured: 0.9992 at worst, the empty query; 0.9956 with smoothing alone)


@pytest.fixture(scope="module")
def engines(settings):
    """Each engine loaded once for the module (torch's takes ~20 s on 2 cores); tests that break
    an engine's calls do it through monkeypatch, which puts them back."""
    name, _ = resolve_model(settings.embedding_model, settings.models_dir)
    return functools.cache(lambda runtime: load_engine(settings.embedding_model, name, runtime))


@pytest.fixture(scope="module", params=["onnx", "onnx-float32", "torch"])
def embedder(settings, engines, request) -> Embedder:
    """Its own instance on the real model: these tests count and break its calls."""
    _, model_id = resolve_model(settings.embedding_model, settings.models_dir)
    return Embedder(engines(request.param), model_id, threads=1, cache=4)


@pytest.fixture(scope="module")
def sentence_transformer(engines):
    """sentence-transformers' own model and `encode()`: what both engines must give."""
    return engines("torch").model


@pytest.fixture
def calls(embedder, monkeypatch) -> list[list[str]]:
    """Every batch that reaches the model, in order; the model still runs."""
    seen: list[list[str]] = []
    real = embedder._engine.embed

    def counting(texts, prompt, threads=1):
        seen.append(list(texts))
        return real(texts, prompt, threads)

    monkeypatch.setattr(embedder._engine, "embed", counting)
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
    alone = {i: embedder._forward([q], embedder._query_prompt)[0] for i, q in enumerate(QUESTIONS)}
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
    def broken(texts, prompt, threads=1):  # a fake failure inside this unit test; the model itself is real
        raise RuntimeError("out of memory")

    real = embedder._engine.embed
    monkeypatch.setattr(embedder._engine, "embed", broken)
    out, errors = _ask_together(embedder, QUESTIONS[:4])
    assert not out and sorted(errors) == [0, 1, 2, 3]
    assert all(isinstance(e, RuntimeError) for e in errors.values())
    monkeypatch.setattr(embedder._engine, "embed", real)
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


def test_token_batches_cut_by_the_budget_keep_every_worker_busy():
    from index.embeddings import _token_batches

    lengths = [400] * 11 + [20] * 7
    batches = _token_batches(lengths, budget=2048, workers=2)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    assert all(len(b) % 2 == 0 for b in batches[:-1]), [len(b) for b in batches]
    assert all(len(b) * max(lengths[i] for i in b) <= 2048 for b in batches)
    assert [len(b) for b in _token_batches(lengths, budget=2048)] == [7, 5, 5, 1], "one worker: cut by the budget alone"
    for lengths, workers in (([100] * 12 + [512] * 3, 8), ([60] * 30 + [512] * 3, 16)):  # what passes on never breaks the budget
        batches = _token_batches(lengths, budget=2048, workers=workers)
        assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
        assert all(len(b) * max(lengths[i] for i in b) <= 2048 for b in batches), [len(b) for b in batches]


def test_passages_for_indexing_match_one_at_a_time_and_report_progress(embedder):
    """Batched by length on every core, each text gets the vector it gets alone, in its own place."""
    texts = [
        "Короткий абзац.",
        "Довгий абзац " + "про зустрічі, переговори і угоди між країнами " * 60,
        "A sentence in English about a meeting in Paris.",
        "Предложение на русском языке о встрече в Астане.",
        "",
        "Короткий абзац.",
    ]
    seen: list[tuple[int, int]] = []
    together = embedder.encode_passages(texts, lambda done, total: seen.append((done, total)))
    alone = np.stack([embedder._forward([t], embedder._passage_prompt) for t in texts]).reshape(len(texts), -1)
    assert np.allclose(together, alone, atol=1e-4)
    assert seen and seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    if isinstance(embedder._engine, TorchEngine):
        import torch

        assert torch.get_num_threads() == 1, "indexing must give the query path its single thread back"


def test_a_text_met_twice_is_embedded_once(embedder, monkeypatch):
    """A one-sentence paragraph is also its own sentence: the model sees that text once, and both
    places get its vector. (The real engine runs; the wrapper only counts what it is given.)"""
    given: list[str] = []
    embed = embedder._engine.embed

    def counting(texts, prompt, threads=1):
        given.extend(texts)
        return embed(texts, prompt, threads)

    monkeypatch.setattr(embedder._engine, "embed", counting)
    texts = ["Міст відкриють у травні.", "Інший абзац про ремонт доріг.", "Міст відкриють у травні."]
    vectors = embedder.encode_passages(texts)
    assert sorted(given) == sorted(set(texts))
    assert (vectors[0] == vectors[2]).all() and not np.allclose(vectors[0], vectors[1])


def _agree(ours: np.ndarray, theirs: np.ndarray, quantized: bool) -> bool:
    if quantized:
        return bool(((ours * theirs).sum(axis=1) >= INT8_COSINE).all())
    return np.allclose(ours, theirs, atol=1e-5)


@pytest.fixture(scope="module")
def reference(sentence_transformer):
    """sentence-transformers' own `encode()` of some texts, once for the three engines."""

    @functools.cache
    def encode(texts: tuple[str, ...], prompt: str) -> np.ndarray:
        return sentence_transformer.encode(list(texts), prompt=prompt, normalize_embeddings=True, convert_to_numpy=True)

    return encode


def test_each_engine_gives_what_sentence_transformers_encode_gives(embedder, reference):
    """Short texts of uneven length in one batch (padding), and texts past the 512-token limit
    (cut the same way), each in a pass of its own as the embedder runs them."""
    quantized = bool(embedder._engine.vectors_id)
    texts = (*QUESTIONS, "", "Мер\u00a0міста заявив: «Міст відкриють 1 травня».\nДругий рядок.")
    for prompt in (embedder._query_prompt, embedder._passage_prompt):
        for batch in (texts, ("Токаєв " * 600,)):
            assert _agree(embedder._forward(list(batch), prompt), reference(batch, prompt), quantized)
    long = "Довгий абзац " * 400
    assert _agree(embedder.encode_passages([long]), reference((long,), embedder._passage_prompt), quantized)


def test_a_text_gets_the_same_vector_alone_and_in_any_batch(embedder):
    """int8 activations are scaled per run: batched with a longer text, a sentence would come out
    different. The int8 engine runs each text alone, so its vector is exactly its own."""
    text = QUESTIONS[0]
    alone = embedder._forward([text], embedder._query_prompt)[0]
    for batch in ([text, "Токаєв " * 300], ["🙂", text, QUESTIONS[2]]):
        together = embedder._forward(batch, embedder._query_prompt, threads=2)[batch.index(text)]
        if embedder._engine.vectors_id:
            assert np.array_equal(together, alone)
        else:
            assert np.allclose(together, alone, atol=1e-5)


@pytest.mark.skipif(int8_weights() is None, reason="neither AVX2 nor VNNI: the default engine runs float32 here")
def test_int8_vectors_key_their_own_index(settings):
    """An index built from float32 vectors is never searched with int8 queries, nor the reverse,
    and the s8 graph's vectors (VNNI) are not the u8 graph's (AVX2)."""
    int8, float32 = (load_embedder(settings.embedding_model, settings.models_dir, runtime=e) for e in ("onnx", "onnx-float32"))
    assert int8.model_id.startswith(f"{float32.model_id}:onnx-int8-{int8_weights()}-")


def test_the_engines_give_the_same_word_vectors(settings, engines):
    """Word vectors (claim checks, the learned answerer) come from token vectors and their offsets."""
    _, model_id = resolve_model(settings.embedding_model, settings.models_dir)
    texts = [*QUESTIONS, "Мер\u00a0міста Оксана Левадна-Ткач сказала: «Міст через Сулу відкриють 1 травня»."]
    int8, onnx, torch_ = (Embedder(engines(e), model_id, cache=0) for e in ("onnx", "onnx-float32", "torch"))
    for a, b, c in zip(onnx.encode_words(texts), torch_.encode_words(texts), int8.encode_words(texts), strict=True):
        assert a.spans == b.spans == c.spans
        assert np.allclose(a.vectors, b.vectors, atol=1e-5) and np.allclose(a.embedding, b.embedding, atol=1e-5)
        assert np.array_equal(c.vectors, a.vectors)  # word vectors always come from float32
        assert c.embedding @ a.embedding >= INT8_COSINE


def test_the_model_is_used_only_under_the_model_lock(embedder, monkeypatch):
    """Indexing and questions share one model and tokenizer (a tokenizer can keep its padding
    settings from one call to the next): every call into the engine holds the model lock."""
    unlocked: list[str] = []
    for method in ("lengths", "embed", "tokens"):
        real = getattr(embedder._engine, method)

        def guarded(*args, _real=real, _name=method, **kwargs):
            if not embedder._lock.locked():
                unlocked.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(embedder._engine, method, guarded)
    embedder.encode_passages(["Перший абзац.", "Другий, довший абзац про бюджет міста."])
    embedder.encode_queries([f"{QUESTIONS[0]} (lock)"])
    embedder.encode_question(f"{QUESTIONS[1]} (lock)")
    assert not unlocked


def test_a_questions_embedding_is_the_one_its_index_is_searched_with(embedder):
    """The learned answerer takes a question's embedding from `encode_question`: it must be the
    vector `encode_queries` gives (int8 for the int8 engine), not its float32 twin."""
    text = f"{QUESTIONS[1]} (twin)"
    assert np.allclose(embedder.encode_question(text).embedding, embedder.encode_queries([text])[0], atol=1e-6)


def test_a_claims_embedding_comes_from_its_one_float32_pass(embedder, monkeypatch):
    """A claim check asks for the float32 pass's own embedding: the model runs once (int8 engine
    included), and the vector is that pass's pooled words. (The real engine runs; the wrapper
    only counts.)"""
    text = f"{QUESTIONS[2]} (claim)"
    calls: list[str] = []
    for method in ("embed", "tokens"):
        real = getattr(embedder._engine, method)
        monkeypatch.setattr(embedder._engine, method, lambda *a, _real=real, _name=method, **k: calls.append(_name) or _real(*a, **k))
    words = embedder.encode_question(text, searched=False)
    assert calls == ["tokens"]
    assert np.allclose(words.embedding, embedder.encode_words([text], "query")[0].embedding, atol=1e-6)
    assert embedder.encode_question(text, searched=False) is words, "remembered"
    if embedder._engine.vectors_id:
        assert not np.allclose(embedder.encode_question(text).embedding, words.embedding, atol=1e-6), "int8's own is kept apart"
