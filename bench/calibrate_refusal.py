"""The refusal trade-off: how many answerable questions get answered and how many
unanswerable ones get a (wrong) answer, at each threshold, by language pairing.

Answerable: XQuAD questions asked of an index holding the first 24 of its 48 articles;
unanswerable: questions about the other 24. Plus the development questions of the default
article. Run: .venv/bin/python bench/calibrate_refusal.py"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.devset import DEV_QUESTIONS, load_dev
from bench.xquad import XQUAD, build, load


def confidences(embedder, indexed, retriever, questions: list[str]) -> list[float]:
    from assistant.extractive import choose_evidence

    vecs = embedder.encode_queries(questions)
    out = []
    for q, v in zip(questions, vecs, strict=True):
        ev = choose_evidence(indexed, q, v, retriever.retrieve(q, v, 10), asked=q)
        out.append(ev[0].confidence if ev else 0.0)
    return out


def table(name: str, pos: list[float], neg: list[float], thresholds: np.ndarray) -> None:
    print(f"\n{name}: {len(pos)} answerable, {len(neg)} unanswerable")
    print("threshold  answered  wrongly-answered")
    for t in thresholds:
        print(f"{t:9.3f}  {np.mean([p >= t for p in pos]):8.2f}  {np.mean([n >= t for n in neg]):16.2f}")


def main() -> int:
    from assistant.extractive import CROSS_LANGUAGE_THRESHOLD, SAME_LANGUAGE_THRESHOLD
    from assistant.pool import open_assistant
    from settings import Settings

    grid = np.round(np.arange(0.79, 0.886, 0.01), 3)
    print(f"current thresholds: same language {SAME_LANGUAGE_THRESHOLD}, across languages {CROSS_LANGUAGE_THRESHOLD}")
    if XQUAD.exists():
        ru, en = load("ru"), load("en")
        half = [p for p in ru if p["article"] < 24]
        embedder, indexed, retriever = build(half, Settings().cache_dir / "bench-store")
        for lang, src in (("ru->ru (same language)", ru), ("en->ru (across languages)", en)):
            qs = [(q, p["article"] < 24) for p in src for q, _ in p["qas"]][::2]
            conf = confidences(embedder, indexed, retriever, [q for q, _ in qs])
            table(
                f"XQuAD {lang}",
                [c for c, (_, a) in zip(conf, qs, strict=True) if a],
                [c for c, (_, a) in zip(conf, qs, strict=True) if not a],
                grid,
            )
    if DEV_QUESTIONS.exists():
        with tempfile.TemporaryDirectory() as tmp:
            assistant = open_assistant(Settings(store_dir=Path(tmp)))
            items = [i for i in load_dev() if i["kind"] in ("fact", "unanswerable", "adversarial")]
            conf = confidences(assistant.embedder, assistant.indexed, assistant.retriever, [i["q"] for i in items])
        for same in (True, False):
            sel = [(c, i) for c, i in zip(conf, items, strict=True) if (i["lang"] == "uk") == same]
            label = "dev, Ukrainian questions (same language)" if same else "dev, Russian and English questions (across languages)"
            table(label, [c for c, i in sel if i["kind"] == "fact"], [c for c, i in sel if i["kind"] != "fact"], grid)
    return 0


if __name__ == "__main__":
    sys.exit(main())
