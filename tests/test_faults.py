"""The index on disk across restarts: each step runs in a fresh process, as a restart would.

It survives restarts without embedding again, rebuilds itself with a warning when deleted or
damaged, and two processes indexing one article at once leave it whole."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (
    "Kyiv opens a night library\n\nThe city library will stay open until 2 a.m. from December.\n\nThe mayor said 40 volunteers signed up.\n"
)
# Index the article (reporting embedding progress) and ask about it, in a new process.
SCRIPT = """
import json, sys
from assistant.pool import AssistantPool
from settings import Settings
steps = []
pool = AssistantPool(Settings(store_dir=sys.argv[1]))
assistant = pool.add_upload(sys.argv[2].encode(), "night.txt", lambda f, _d: steps.append(f))
result = assistant.ask("How many volunteers signed up?")
print(json.dumps({"steps": steps, "paragraph": result.citations[0].paragraph if result.citations else None}))
"""


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **extra}


def _run(store: Path) -> tuple[dict, str]:
    p = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(store), ARTICLE], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.splitlines()[-1]), p.stderr


def _embedded(out: dict) -> bool:
    return any(0.1 < f < 1.0 for f in out["steps"])


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> Path:
    """One store indexed (and asked) in a fresh process; each test restarts on a copy of it."""
    store = tmp_path_factory.mktemp("indexed")
    first, _ = _run(store)
    assert _embedded(first) and first["paragraph"] == 3
    return store


@pytest.fixture
def store(indexed, tmp_path) -> Path:
    shutil.copytree(indexed, tmp_path / "store")
    return tmp_path / "store"


def test_index_survives_a_restart_without_embedding_again(store):
    again, stderr = _run(store)
    assert again["steps"] == [0.05, 1.0]  # read, ready: nothing embedded
    assert again["paragraph"] == 3
    assert "WARNING" not in stderr


def test_deleted_index_is_rebuilt_with_a_warning(store):
    shutil.rmtree(store / "chroma")
    out, stderr = _run(store)
    assert "is missing (deleted, or the embedding model changed); building it again" in stderr
    assert _embedded(out) and out["paragraph"] == 3


def test_damaged_index_is_set_aside_and_rebuilt_with_a_warning(store):
    (store / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(4096))
    out, stderr = _run(store)
    assert "cannot be read" in stderr and "building a new one" in stderr
    assert list(store.glob("chroma.damaged-*"))  # kept for a look, not deleted
    assert _embedded(out) and out["paragraph"] == 3
    again, stderr = _run(store)
    assert again["steps"] == [0.05, 1.0] and "WARNING" not in stderr


def test_two_processes_indexing_one_article_at_once(tmp_path):
    article = tmp_path / "night.md"
    # Long enough (a few seconds of embedding) for the two builds to overlap.
    article.write_text(
        ARTICLE + "".join(f"Paragraph {n} of the record says volunteer {n} read {n * 3} books.\n\n" for n in range(400)), encoding="utf-8"
    )
    env = _env(ARTICLE_CHAT_STORE_DIR=str(tmp_path / "store"))
    cmd = [sys.executable, "-m", "assistant.cli", "index", str(article)]
    procs = []
    for delay in (0, 4):  # the second arrives while the first is still embedding
        time.sleep(delay)
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("Indexed 'night'" in out for out, _ in outs)
    assert not any("incomplete" in err for _, err in outs)
    check = (
        "import chromadb, sys; c = chromadb.PersistentClient(path=sys.argv[1]); cols = c.list_collections(); "
        "col = c.get_collection(cols[0].name); print(len(cols), col.count(), col.metadata['items'])"
    )
    p = subprocess.run(
        [sys.executable, "-c", check, str(tmp_path / "store" / "chroma")], env=_env(), capture_output=True, text=True, timeout=120
    )
    collections, count, expected = map(int, p.stdout.split())
    assert collections == 1 and count == expected
