"""The page's API over real HTTP, with `gradio_client` and as plain JSON (`/api/...`): the same
answers as the CLI, per language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def client(web_url):
    from gradio_client import Client

    return Client(web_url, verbose=False)  # a fresh client per test: a client keeps its session


@pytest.mark.parametrize(
    ("question", "language", "paragraph", "words"),
    [
        ("Де Токаєв зустрівся з Макроном?", "uk", 9, "Парижі"),
        ("Сколько денег предложил Дональд Лу?", "ru", 7, "25 мільйонів"),
        ("Where did Tokayev meet Macron?", "en", 9, "Парижі"),
    ],
)
def test_ask_returns_the_cli_contract_with_citations(client, question, language, paragraph, words):
    result = client.predict(question, [], "answer", "default", api_name="/ask")
    assert result["language"] == language
    assert result["refused"] is False
    assert result["mode"] == "answer"
    assert result["backend"] == "extractive"
    cited = [c for c in result["citations"] if c["paragraph"] == paragraph]
    assert cited, result
    assert words in cited[0]["quote"]
    assert cited[0]["quote"] in cited[0]["text"]
    assert f"[¶{paragraph}]" in result["answer"]


def test_ask_matches_the_assistant_called_directly(client, assistant):
    question = "Що пообіцяв Китай Казахстану?"
    over_http = client.predict(question, [], "answer", "default", api_name="/ask")
    direct = assistant.ask(question).model_dump()
    assert over_http["answer"] == direct["answer"]
    assert [c["paragraph"] for c in over_http["citations"]] == [c["paragraph"] for c in direct["citations"]]


def test_history_resolves_a_follow_up(client):
    history = [
        {"role": "user", "content": "Хто такий Дональд Лу?"},
        {"role": "assistant", "content": "У статті сказано: «помічник держсекретаря США Дональд Лу» [¶7]"},
    ]
    result = client.predict("Скільки грошей він запропонував?", history, "answer", "default", api_name="/ask")
    assert not result["refused"]
    assert any("25 мільйонів" in c["quote"] for c in result["citations"])


def test_unanswerable_question_is_refused_plainly(client):
    result = client.predict("What is the capital of Peru?", [], "answer", "default", api_name="/ask")
    assert result["refused"] is True
    assert result["citations"] == []
    assert "does not answer" in result["answer"]


@pytest.mark.parametrize(
    ("question", "mode", "message"),
    [
        ("   ", "answer", "empty"),
        ("x" * 100_000, "answer", "limit"),
        ("Що пообіцяв Китай?", "poetry", "Unknown mode"),
    ],
)
def test_bad_requests_get_a_clear_error_and_the_app_keeps_working(client, question, mode, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match=message):
        client.predict(question, [], mode, "default", api_name="/ask")
    assert not client.predict("Де Токаєв зустрівся з Макроном?", [], "answer", "default", api_name="/ask")["refused"]


def test_unknown_article_is_a_clear_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="No article 'nope'"):
        client.predict("Хто?", [], "answer", "nope", api_name="/ask")


def test_article_endpoint_numbers_paragraphs_like_citations(client, assistant):
    article = client.predict("default", api_name="/paragraphs")
    assert [p["number"] for p in article["paragraphs"]] == list(range(1, len(assistant.article.paragraphs) + 1))
    assert article["paragraphs"][8]["text"] == assistant.article.paragraph(9).text
    assert "path" not in article


def test_only_the_documented_endpoints_are_public(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask", "/paragraphs"}


def test_mcp_exposes_the_same_ask_tool(web_url):
    import asyncio

    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def call() -> tuple[list[str], str]:
        async with streamable_http_client(web_url + "gradio_api/mcp/") as (read, write, _), ClientSession(read, write) as session:
            await session.initialize()
            tools = [t.name for t in (await session.list_tools()).tools]
            result = await session.call_tool("ask", {"question": "Where did Tokayev meet Macron?"})
            return tools, result.content[0].text

    tools, text = asyncio.run(call())
    assert set(tools) == {"ask", "paragraphs"}
    assert "[¶9]" in text and "Парижі" in text


def test_queue_positions_go_out_on_a_clock_not_per_answer(settings, pool):
    """Gradio's "auto" sends every waiting visitor a message each time an answer starts (about 13
    per answer under `bench/load.py`'s 100 sessions); the page sends them once a second instead."""
    import ui
    from web.app import QUEUE_STATUS_SECONDS

    queue = ui.build(settings, pool)._queue
    assert queue.live_updates is False
    assert queue.update_intervals == QUEUE_STATUS_SECONDS == 1.0


def test_concurrent_sessions_each_get_their_own_answers(web_url, assistant, monkeypatch):
    """Twenty people at once, each with a different question or history: the questions share the
    model's forward passes, and every session must still get exactly the answer it would get alone."""
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    from bench.load import WORK

    def alone(question, history, mode):
        r = assistant.ask(question, history=history, mode=mode)
        return r.answer, [c.paragraph for c in r.citations]

    expected = {n: alone(*WORK[n][:3]) for n in range(len(WORK))}
    embedder = assistant.embedder
    batches: list[int] = []
    real = embedder._engine.embed
    monkeypatch.setattr(embedder._engine, "embed", lambda texts, *args: batches.append(len(texts)) or real(texts, *args))
    monkeypatch.setattr(embedder, "_cache_size", 0)  # every question goes to the model again
    monkeypatch.setattr(embedder, "_cache", type(embedder._cache)())

    def session(s: int) -> list[tuple[int, tuple]]:
        client = Client(web_url, verbose=False, ssl_verify=False)
        got = []
        for k in range(3):
            n = (s + k) % len(WORK)
            question, history, mode, _ = WORK[n]
            r = client.predict(question, history, mode, "default", api_name="/ask")
            got.append((n, (r["answer"], [c["paragraph"] for c in r["citations"]])))
        return got

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = [item for items in pool.map(session, range(20)) for item in items]
    assert len(results) == 60
    assert max(batches) > 1, "no two questions shared a forward pass"
    for n, got in results:
        assert got == expected[n], WORK[n][0]


def _json(web_url: str, method: str, path: str, body: bytes | None = None) -> tuple[int, dict]:
    """One plain HTTP request to the JSON routes (`web.rest`), as `curl` would make it."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(web_url.rstrip("/") + path, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _ask_json(web_url: str, **fields) -> tuple[int, dict]:
    import json

    return _json(web_url, "POST", "/api/ask", json.dumps(fields, ensure_ascii=False).encode())


def test_the_json_route_answers_as_the_assistant_does(web_url, assistant):
    for question, history in [
        ("Що пообіцяв Китай Казахстану?", []),
        ("Скільки грошей він запропонував?", [{"role": "user", "content": "Хто такий Дональд Лу?"}]),
        ("What is the capital of Peru?", []),
    ]:
        status, result = _ask_json(web_url, question=question, history=history)
        direct = assistant.ask(question, history).model_dump()
        assert status == 200
        assert (result["answer"], result["refused"], result["language"]) == (direct["answer"], direct["refused"], direct["language"])
        assert [c["paragraph"] for c in result["citations"]] == [c["paragraph"] for c in direct["citations"]]
    status, result = _ask_json(web_url, question="The article says Tokayev met Macron in Berlin.", mode="check")
    assert status == 200 and result["mode"] == "check" and result["claims"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"question": "   "}, 400, "empty"),
        ({"question": "x" * 100_000}, 400, "limit"),
        ({"question": "Що пообіцяв Китай?", "mode": "poetry"}, 400, "Unknown mode"),
        ({"question": "Хто?", "article": "nope"}, 400, "No article 'nope'"),
        ({"mode": "answer"}, 400, "Bad request: question: Field required"),
        ({"question": "Хто?", "history": "not a list"}, 400, "Bad request: history"),
        (b"{not json", 400, "Bad request"),
        (b'{"question": "' + b"x" * 2_100_000 + b'"}', 413, "larger than 2 MB"),
    ],
)
def test_the_json_route_refuses_bad_requests_plainly_and_keeps_working(web_url, body, status, message):
    import json

    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    got, result = _json(web_url, "POST", "/api/ask", data)
    assert got == status and message in result["error"], result
    status, result = _ask_json(web_url, question="Де Токаєв зустрівся з Макроном?")
    assert status == 200 and not result["refused"]


def test_the_json_route_numbers_paragraphs_like_citations(web_url, assistant):
    status, article = _json(web_url, "GET", "/api/paragraphs")
    assert status == 200
    assert [p["number"] for p in article["paragraphs"]] == list(range(1, len(assistant.article.paragraphs) + 1))
    assert "path" not in article
    status, result = _json(web_url, "GET", "/api/paragraphs?article=nope")
    assert status == 400 and "No article 'nope'" in result["error"]
