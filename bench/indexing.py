"""Indexing throughput and peak memory: a long article (XQuAD's 240 Russian paragraphs, ~370 KB,
~1,450 texts to embed) indexed into a fresh embedded Chroma store, once per child process.

Each run is a fresh process so peak RSS is that run's own; the model is loaded before the clock
starts (loading is measured by bench/latency.py). Reads ../shared/data/xquad/; skips cleanly
without it. Run: .venv/bin/python bench/indexing.py [--runs 3]"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.xquad import XQUAD, as_article, load


def one_run(store_dir: Path) -> dict:
    from index.embeddings import embedder_for
    from index.store import VectorStore, chroma_client
    from settings import Settings

    settings = Settings(store_dir=store_dir)
    article = as_article(load("ru"))
    embedder = embedder_for(settings)
    store = VectorStore(chroma_client(store_dir), embedder)
    started = time.perf_counter()
    indexed = store.index(article)
    seconds = time.perf_counter() - started
    texts = len(article.paragraphs) + len(indexed.sentences)
    return {
        "texts": texts,
        "bytes": sum(len(p.text.encode()) for p in article.paragraphs),
        "seconds": seconds,
        "texts_per_s": texts / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not (XQUAD / "xquad.ru.json").exists():
        print(f"skipped: {XQUAD} not found")
        return 0
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(one_run(Path(tmp))))
        return 0
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, check=True, env=os.environ)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = runs[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"article: XQuAD ru, {first['bytes'] / 1024:.0f} KB, {first['texts']} texts (paragraphs + sentences)")
    secs = [r["seconds"] for r in runs]
    print(f"runs: {len(runs)}; seconds each: {', '.join(f'{s:.1f}' for s in secs)}")
    print(f"median: {statistics.median(secs):.1f} s, {first['texts'] / statistics.median(secs):.1f} texts/s")
    print(f"peak RSS (median): {statistics.median(r['peak_rss_mb'] for r in runs):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
