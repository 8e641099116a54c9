"""How far the int8 engine's vectors sit from the float32 graph's: mean 1 - cosine, text by text.

Romanian questions (every second one) and Vietnamese paragraphs from XQuAD: languages that no
benchmark here scores and that the int8 calibration (`bench/calibrate_int8.py`: German, Spanish,
Greek, Turkish) never saw, so the export's settings (`index/quantize.py`) can be chosen on these
figures without touching the scored sets.

To compare settings: change them in `index/quantize.py`, run `make model` (a new export), then this.
Run: .venv/bin/python bench/int8_drift.py   (reads ../shared/data/xquad/; skips cleanly without it)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.xquad import XQUAD


def texts() -> tuple[list[str], list[str]]:
    ro = json.loads((XQUAD / "xquad.ro.json").read_text(encoding="utf-8"))["data"]
    vi = json.loads((XQUAD / "xquad.vi.json").read_text(encoding="utf-8"))["data"]
    questions = [qa["question"].strip() for a in ro for p in a["paragraphs"] for qa in p["qas"]][::2]
    paragraphs = [p["context"].strip() for a in vi for p in a["paragraphs"]]
    return questions, paragraphs


def main() -> int:
    if not all((XQUAD / f"xquad.{lang}.json").exists() for lang in ("ro", "vi")):
        print(f"skipped: XQuAD ro/vi not found under {XQUAD}")
        return 0
    from index.embeddings import Embedder, load_engine, resolve_model
    from settings import Settings

    settings = Settings()
    name, model_id = resolve_model(settings.embedding_model, settings.models_dir)
    questions, paragraphs = texts()
    from bench.page import machine

    print(f"machine: {machine()}")
    exact, int8 = (Embedder(load_engine(settings.embedding_model, name, e), model_id, cache=0) for e in ("onnx-float32", "onnx"))
    drift = [
        1 - (int8.encode_queries(questions) * exact.encode_queries(questions)).sum(axis=1),
        1 - (int8.encode_passages(paragraphs) * exact.encode_passages(paragraphs)).sum(axis=1),
    ]
    print(
        f"int8 against float32, mean 1 - cosine: Romanian questions {drift[0].mean():.2e} (n={len(questions)}), "
        f"Vietnamese paragraphs {drift[1].mean():.2e} (n={len(paragraphs)}), all {np.concatenate(drift).mean():.2e}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
