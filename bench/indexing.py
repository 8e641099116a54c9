"""Indexing throughput and peak memory: a long article (XQuAD's 240 Russian paragraphs, ~370 KB,
~1,450 texts to embed) or, with `--corpus news`, the twenty Ukrainian press articles of
../shared/data/news-uk/ one after another, indexed into a fresh embedded Chroma store, once per
child process.

Each run is a fresh process so peak RSS is that run's own; the model is loaded before the clock
starts (loading is measured by bench/latency.py). Reads ../shared/data/xquad/; skips cleanly
without it. Run: .venv/bin/python bench/indexing.py [--runs 3] [--corpus xquad|news]"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.page import machine
from bench.xquad import XQUAD, as_article, load

if TYPE_CHECKING:
    from index.article import Article

NEWS = XQUAD.parent / "news-uk"


def articles(corpus: str) -> list[Article]:
    from index.article import load_article

    if corpus == "news":
        return [load_article(path) for path in sorted(NEWS.glob("*.txt"))]
    return [as_article(load("ru"))]


def one_run(store_dir: Path, corpus: str) -> dict:
    from index.embeddings import embedder_for
    from index.store import VectorStore, chroma_client, index_items
    from settings import Settings

    settings = Settings(store_dir=store_dir)
    chosen = articles(corpus)
    embedder = embedder_for(settings)
    store = VectorStore(chroma_client(store_dir), embedder)
    started = time.perf_counter()
    for article in chosen:
        store.index(article)
    seconds = time.perf_counter() - started
    texts = [text for article in chosen for _, text, _ in index_items(article)]
    return {
        "engine": embedder.model_id,
        "articles": len(chosen),
        "texts": len(texts),
        "distinct": len(set(texts)),
        "bytes": sum(len(p.text.encode()) for article in chosen for p in article.paragraphs),
        "seconds": seconds,
        "texts_per_s": len(texts) / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", choices=("xquad", "news"), default="xquad")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    needed = NEWS if args.corpus == "news" else XQUAD / "xquad.ru.json"
    if not needed.exists():
        print(f"skipped: {needed} not found")
        return 0
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(one_run(Path(tmp), args.corpus)))
        return 0
    runs = []
    for _ in range(args.runs):
        command = [sys.executable, __file__, "--child", "--corpus", args.corpus]
        out = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    first = runs[0]
    print(f"machine: {machine()}; engine: {first['engine']}")
    what = "XQuAD ru" if args.corpus == "xquad" else f"{first['articles']} news articles"
    print(f"{what}: {first['bytes'] / 1024:.0f} KB, {first['texts']} texts (paragraphs + sentences), {first['distinct']} distinct")
    secs = [r["seconds"] for r in runs]
    print(f"runs: {len(runs)}; seconds each: {', '.join(f'{s:.1f}' for s in secs)}")
    median = statistics.median(secs)
    print(f"median: {median:.1f} s, {first['texts'] / median:.1f} texts/s ({first['distinct'] / median:.1f} distinct texts embedded/s)")
    print(f"peak RSS (median): {statistics.median(r['peak_rss_mb'] for r in runs):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
