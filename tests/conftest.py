"""Shared fixtures: one real model and one real Chroma store per test session.

The tests run offline: the variables below are set before anything imports a hub client."""

from __future__ import annotations

import os
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import pytest

from bench.page import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEV_QUESTIONS = SHARED / "article" / "dev_questions.jsonl"


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="session")
def settings(store_dir):
    from settings import Settings

    return Settings(store_dir=store_dir)


@pytest.fixture(scope="session")
def pool(settings):
    from assistant.pool import AssistantPool

    return AssistantPool(settings)


@pytest.fixture(scope="session")
def assistant(pool):
    return pool.get("default")


def start_chroma_server(path: Path):
    """A real `chroma run` on a free loopback port, as the scale-out setup uses; stopped by the caller."""
    import shutil
    import subprocess
    import sys

    binary = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert binary, "the chroma CLI (from the chromadb package) is missing"
    port = free_port()
    proc = subprocess.Popen(
        [binary, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    wait_until_up(proc, f"http://127.0.0.1:{port}/api/v2/heartbeat", 60)
    return proc, port


@pytest.fixture(scope="session")
def chroma_servers(tmp_path_factory):
    """Starts a fresh `chroma run` per call, returns its port; all are stopped at the end."""
    procs = []

    def start() -> int:
        proc, port = start_chroma_server(tmp_path_factory.mktemp("chroma-server"))
        procs.append(proc)
        return port

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def web_url(settings, pool):
    """The real page and its JSON routes, served in this process (as `article-chat serve` serves
    them, MCP on) on a free loopback port."""
    import threading

    from web.app import serve_app
    from web.server import GRACE_SECONDS, AppServer

    port = free_port()
    server = AppServer(serve_app(settings.model_copy(update={"mcp": True, "host": "127.0.0.1", "port": port}), pool), "127.0.0.1", port)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the page did not start"
    yield f"http://127.0.0.1:{port}/"
    server.stop()
    thread.join(timeout=GRACE_SECONDS / 2)
    assert not thread.is_alive(), "the page did not stop: an open page's heartbeat stream held it"


@pytest.fixture(scope="session", autouse=True)
def no_network():
    """Every in-process test runs with connections outside loopback refused: the default path
    must never reach the network (model hubs, telemetry)."""
    import ipaddress
    import socket

    real_connect = socket.socket.connect
    attempts: list[str] = []

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        try:
            allowed = sock.family == socket.AF_UNIX or ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            attempts.append(str(host))
            raise OSError(f"network access blocked in tests: {host}")
        return real_connect(sock, address)

    socket.socket.connect = guarded
    yield attempts
    socket.socket.connect = real_connect
    assert not attempts, f"tests tried to reach the network: {attempts}"
