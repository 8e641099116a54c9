"""The command line as users and benchmarks run it: real processes, real model, real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    e = dict(os.environ)
    e.update(ARTICLE_CHAT_STORE_DIR=str(tmp_path_factory.mktemp("cli-store")), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return e


def run(env, *args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_ask_json_contract(env):
    p = run(env, "ask", "З ким Токаєв зустрівся в Парижі?", "--json")
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert set(obj) >= {"question", "answer", "language", "refused", "mode", "verdict", "backend", "citations", "timings_ms"}
    assert obj["mode"] == "answer" and obj["verdict"] is None and obj["backend"] == "extractive"
    assert obj["citations"][0]["paragraph"] == 9
    assert set(obj["citations"][0]) == {"paragraph", "text", "quote", "score"}
    assert set(obj["timings_ms"]) == {"retrieve", "answer", "total"}


def test_ask_human_output_shows_cited_paragraphs(env):
    p = run(env, "ask", "Who was Pavlo Klimkin?")
    assert p.returncode == 0, p.stderr
    assert "[¶14]" in p.stdout and "Павло Клімкін" in p.stdout


def test_batch_keeps_order_and_survives_bad_lines(env, tmp_path):
    lines = [
        json.dumps({"question": "Хто такий Дональд Лу?"}),
        "{not json",
        json.dumps({"question": ""}),
        json.dumps({"question": "Why was that trip notable?", "history": [{"role": "user", "content": "Who met Tokayev in Astana?"}]}),
        json.dumps({"question": "What is the GDP of Kazakhstan?", "mode": "answer"}),
    ]
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = run(env, "ask", "--batch", str(batch))
    assert p.returncode == 0, p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["citations"][0]["paragraph"] == 7
    assert "error" in out[1] and "error" in out[2]
    assert any("після пандемії" in c["quote"] for c in out[3]["citations"])
    assert out[4]["refused"] is True


def test_history_file(env, tmp_path):
    h = tmp_path / "h.json"
    h.write_text(json.dumps([{"role": "user", "content": "Who met Tokayev in Astana?"}, {"role": "assistant", "content": "..."}]))
    p = run(env, "ask", "Why was that trip notable?", "--history", str(h), "--json")
    assert p.returncode == 0, p.stderr
    assert any("після пандемії" in c["quote"] for c in json.loads(p.stdout)["citations"])


def test_index_and_pick_another_article(env, tmp_path):
    art = tmp_path / "council.md"
    art.write_text(
        "# Council news\n\nThe city council approved a new budget of 3 million euros on Monday.\n\nThe mayor said the parks will be renovated.\n"
    )
    p = run(env, "index", str(art))
    assert p.returncode == 0, p.stderr
    assert "council" in p.stdout
    q = run(env, "ask", "How big is the new budget?", "--article", "council", "--json")
    assert q.returncode == 0, q.stderr
    assert "3 million euros" in json.loads(q.stdout)["citations"][0]["quote"]
    env2 = dict(env, ARTICLE_CHAT_ARTICLE="council")
    r = run(env2, "ask", "What will be renovated?", "--json")
    assert "parks" in json.loads(r.stdout)["citations"][0]["quote"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ask", ""], "empty"),
        (["ask", "   "], "empty"),
        (["ask", "x" * 100_000], "limit"),
        (["ask", "hello", "--article", "/nonexistent/a.txt"], "not found"),
        (["index", "/nonexistent/a.txt"], "not found"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(env, args, needle):
    p = run(env, *args)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and needle in p.stderr


@pytest.mark.parametrize(("name", "data", "needle"), [("empty.txt", b"", "empty"), ("blob.txt", bytes(range(256)) * 40, "binary")])
def test_bad_article_files(env, tmp_path, name, data, needle):
    f = tmp_path / name
    f.write_bytes(data)
    p = run(env, "index", str(f))
    assert p.returncode != 0 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and needle in p.stderr


def test_serve_on_a_taken_port_is_a_clear_error(env):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        p = run(env, "serve", "--port", str(taken.getsockname()[1]))
    assert p.returncode == 2
    assert "Cannot serve on 127.0.0.1:" in p.stderr and "Traceback" not in p.stderr


def test_check_batch_reads_claims_and_writes_verdicts(env, tmp_path):
    claims = tmp_path / "claims.jsonl"
    lines = [
        {"claim": "The article says Tokayev met Xi Jinping in October."},
        {"claim": "Китай пообещал поддерживать территориальную целостность Казахстана."},
        {"claim": ""},
    ]
    claims.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    p = run(env, "ask", "--mode", "check", "--batch", str(claims))
    assert p.returncode == 0, p.stderr
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o.get("verdict") for o in out[:2]] == ["contradicted", "supported"]
    assert out[0]["mode"] == "check" and out[0]["claims"][0]["instead"]["paragraph"] == 9
    assert "empty" in out[2]["error"]


def test_summary_from_the_command_line(env):
    p = run(env, "ask", "Коротко перекажи статтю", "--mode", "summary", "--json")
    assert p.returncode == 0, p.stderr
    obj = json.loads(p.stdout)
    assert obj["mode"] == "summary" and obj["answer"].startswith("Стаття в")
    assert len({c["paragraph"] for c in obj["citations"]}) >= 3


def test_llm_backend_without_a_model_name_is_a_clear_error(env):
    p = run(env, "ask", "Хто такий Дональд Лу?", "--backend", "openai")
    assert p.returncode == 2
    assert "needs a model name: --llm-model" in p.stderr and "Traceback" not in p.stderr


def test_llm_that_is_down_still_answers_with_quotes_and_says_why(env):
    from bench.page import free_port

    p = run(
        env,
        "ask",
        "Хто такий Дональд Лу?",
        "--backend",
        "openai",
        "--llm-model",
        "m",
        "--llm-base-url",
        f"http://127.0.0.1:{free_port()}/v1",
    )
    assert p.returncode == 0, p.stderr
    assert "[¶7]" in p.stdout and "note: openai:m: the language model failed" in p.stdout
