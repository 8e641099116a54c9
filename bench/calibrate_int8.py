"""Measure the default model's activation ranges for its int8 export (`index/quantize.py`).

Runs the float32 layers over XQuAD paragraphs ("passage: ") and questions ("query: ") in German,
Spanish, Greek and Turkish (every sixth article, two paragraphs each, three questions per
paragraph: 256 texts), one text per run, and writes each matrix product's largest input per channel
to index/data/int8_activations.npz. No benchmark here scores those languages, so the XQuAD ru/en
figures, the news questions and the claims stay held out. After a new measurement, `make model`
exports again (the file's digest keys the export) and every index is rebuilt.

Run: .venv/bin/python bench/calibrate_int8.py (reads ../shared/data/xquad/; skips cleanly without it)"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.xquad import XQUAD

LANGUAGES = ("de", "es", "el", "tr")


def calibration_texts() -> list[str]:
    """Paragraphs and questions with their e5 prompts: both kinds of text the model embeds."""
    texts = []
    for lang in LANGUAGES:
        data = json.loads((XQUAD / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
        for article in data[::6]:
            for paragraph in article["paragraphs"][:2]:
                texts.append("passage: " + paragraph["context"])
                texts += ["query: " + qa["question"] for qa in paragraph["qas"][:3]]
    return texts


def main() -> int:
    if not all((XQUAD / f"xquad.{lang}.json").exists() for lang in LANGUAGES):
        print(f"skipped: XQuAD {', '.join(LANGUAGES)} not found under {XQUAD}")
        return 0
    from tokenizers import Tokenizer

    from index.embeddings import resolve_model
    from index.onnx_export import GRAPH, WORD_TABLE, write_float32
    from index.quantize import activations_file, calibrate
    from settings import Settings

    settings = Settings()
    name, _ = resolve_model(settings.embedding_model, settings.models_dir)
    tokenizer = Tokenizer.from_file(str(Path(name) / "tokenizer.json"))
    tokenizer.enable_truncation(512)
    texts = calibration_texts()
    with tempfile.TemporaryDirectory() as tmp:
        write_float32(Path(name), Path(tmp))
        table = np.load(Path(tmp) / WORD_TABLE, mmap_mode="r")

        def feeds() -> Iterator[dict[str, np.ndarray]]:
            for text in texts:
                ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
                yield {"inputs_embeds": np.ascontiguousarray(table[ids], dtype=np.float32), "attention_mask": np.ones_like(ids)}

        peaks = calibrate(Path(tmp) / GRAPH, feeds())
    out = activations_file()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **peaks)
    print(f"{len(texts)} texts, {len(peaks)} matrix products measured -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
