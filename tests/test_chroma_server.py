"""Scale-out mode: every part against a real `chroma run` server instead of the embedded store,
including two page processes sharing it (the README's scale-out setup, on one machine)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.page import free_port, start_server
from settings import Settings
from web.server import GRACE_SECONDS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server_port(chroma_servers):
    return chroma_servers()


@pytest.fixture(scope="module")
def server_pool(server_port, tmp_path_factory):
    from assistant.pool import AssistantPool

    return AssistantPool(Settings(chroma_host="127.0.0.1", chroma_port=server_port, store_dir=tmp_path_factory.mktemp("library")))


@pytest.mark.parametrize(
    ("question", "paragraph"),
    [("Де Токаєв зустрівся з Макроном?", 9), ("Сколько денег предложил Дональд Лу?", 7), ("Where did Tokayev meet Macron?", 9)],
)
def test_answers_through_the_server(server_pool, question, paragraph):
    result = server_pool.get("default").ask(question)
    assert not result.refused
    assert result.citations[0].paragraph == paragraph


def test_modes_and_uploads_through_the_server(server_pool):
    assistant = server_pool.get("default")
    assert assistant.ask("The article says Tokayev met Xi Jinping in October.", mode="check").verdict == "contradicted"
    assert len(assistant.ask("Summarize the article", mode="summary").citations) >= 3
    text = b"Kyiv opens a night library\n\nThe city library will stay open until 2 a.m.\n\nThe mayor said 40 volunteers signed up to run the night shifts.\n"
    own = server_pool.add_upload(text, "night.txt")
    assert own.ask("How many volunteers signed up?").citations[0].paragraph == 3
    names = [c.name for c in server_pool.store.client.list_collections()]
    assert own.indexed.collection_name in names and assistant.indexed.collection_name in names


def _open_page_stream(port: int) -> socket.socket:
    """What an open page holds: Gradio's heartbeat stream (the page's EventSource), once it answers."""
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    conn.sendall(f"GET /gradio_api/heartbeat/test-page HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    assert conn.recv(64).startswith(b"HTTP/1.1 200")
    return conn


def test_two_page_processes_share_one_server_and_stop_with_pages_open(server_port, tmp_path):
    """Both answer alike from one store; and each stops at SIGTERM at once, with a page open on it
    (uvicorn would wait for the page's stream to end; the grace period is GRACE_SECONDS)."""
    from gradio_client import Client

    env = {"ARTICLE_CHAT_CHROMA_HOST": "127.0.0.1", "ARTICLE_CHAT_CHROMA_PORT": str(server_port)}
    servers = []
    stopped_in = []
    try:
        for n in range(2):
            port = free_port()
            servers.append((start_server(port, {**env, "ARTICLE_CHAT_STORE_DIR": str(tmp_path / f"app{n}")}), port))
        answers = [
            Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
                "Where did Tokayev meet Macron?", [], "answer", "default", api_name="/ask"
            )
            for _, port in servers
        ]
        for proc, port in servers:
            with _open_page_stream(port):
                started = time.monotonic()
                proc.terminate()
                proc.wait(timeout=30)
                stopped_in.append(time.monotonic() - started)
    finally:
        for proc, _ in servers:
            proc.kill()
            proc.wait(timeout=30)
    assert [a["citations"][0]["paragraph"] for a in answers] == [9, 9]
    assert answers[0]["answer"] == answers[1]["answer"]
    assert max(stopped_in) < GRACE_SECONDS / 2, stopped_in


def test_cli_against_the_server(server_port, tmp_path):
    env = {
        **os.environ,
        "ARTICLE_CHAT_CHROMA_HOST": "127.0.0.1",
        "ARTICLE_CHAT_CHROMA_PORT": str(server_port),
        "ARTICLE_CHAT_STORE_DIR": str(tmp_path),
    }
    p = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "Де Токаєв зустрівся з Макроном?", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    assert '"paragraph": 9' in p.stdout.replace('"paragraph":9', '"paragraph": 9')
    assert not (tmp_path / "chroma").exists()  # nothing was stored on disk: the server holds the index


def test_server_down_is_a_clear_error(tmp_path):
    env = {
        **os.environ,
        "ARTICLE_CHAT_CHROMA_HOST": "127.0.0.1",
        "ARTICLE_CHAT_CHROMA_PORT": str(free_port()),
        "ARTICLE_CHAT_STORE_DIR": str(tmp_path),
    }
    p = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "Хто?"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr
    assert "The Chroma server at 127.0.0.1:" in p.stderr and "does not answer" in p.stderr
