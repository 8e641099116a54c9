"""Re-fit the sentence choice's hubness penalty (`assistant.extractive.HUB_PENALTY`) after the
vectors change: answer-sentence accuracy on XQuAD articles 0-23 (fit) and 24-47 (held out), for
Russian and English questions, with the engine the settings ask for.

Choose on the fit half (Russian plus English), then read the held-out half: never the other way.
Run: .venv/bin/python bench/fit_hub_penalty.py [--grid 0.2 0.3 0.4 0.5]   (reads ../shared/data/xquad/)"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.xquad import XQUAD, build, evaluate, load, questions

FIT_ARTICLES = 24  # XQuAD articles 0-23 fit, 24-47 held out (as for the fusion weight)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", type=float, nargs="+", default=[0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6])
    args = ap.parse_args()
    if not XQUAD.exists():
        print(f"skipped: {XQUAD} not found")
        return 0
    import assistant.extractive as extractive
    from settings import Settings

    ru, en = load("ru"), load("en")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}; engine {Settings().engine}")
    embedder, indexed, retriever = build(ru, Settings().cache_dir / "bench-store")

    halves = {
        fit: [questions(ru, source, lambda article, fit=fit: (article < FIT_ARTICLES) == fit) for source in (ru, en)]
        for fit in (True, False)
    }
    for value in args.grid:
        extractive.HUB_PENALTY = value
        cells = []
        for fit, asked in halves.items():
            scores = [evaluate(embedder, indexed, retriever, qs)["sentence_acc"] for qs in asked]
            cells.append(f"{'fit' if fit else 'held out'}: ru {scores[0]:.3f} en {scores[1]:.3f} (sum {sum(scores):.3f})")
        print(f"HUB_PENALTY {value:.2f}  " + "   ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
