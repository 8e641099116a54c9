"""XQuAD (Russian paragraphs) as one indexed "article": loading and indexing, shared by the answer
benchmarks (bench/xquad_answers.py, bench/train_answers.py).

Reads ../shared/data/xquad/ (never copied into the repository); skips cleanly without it.
Run: .venv/bin/python bench/xquad.py (= the XQuAD part of bench/answers.py)"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

XQUAD = Path(__file__).resolve().parents[2] / "shared" / "data" / "xquad"


def load(lang: str) -> list[dict]:
    """Flatten to one record per paragraph: article index, context, questions with answers."""
    data = json.loads((XQUAD / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
    out = []
    for a, art in enumerate(data):
        for para in art["paragraphs"]:
            qs = [(q["question"], q["answers"][0]["text"]) for q in para["qas"]]
            out.append({"article": a, "context": para["context"].lstrip("\ufeff"), "qas": qs})
    return out


def build(paragraphs: list[dict], store_dir: Path):
    from assistant.retrieval import Retriever
    from index.article import Article, ArticleMeta, Paragraph
    from index.embeddings import load_embedder
    from index.store import VectorStore, chroma_client
    from settings import Settings

    settings = Settings(store_dir=store_dir)
    embedder = load_embedder(settings.embedding_model, settings.models_dir)
    paras = [Paragraph(number=i + 1, text=p["context"]) for i, p in enumerate(paragraphs)]
    article = Article(
        id="xquad-ru",
        content_hash=hashlib.sha256("\n\n".join(p.text for p in paras).encode()).hexdigest(),
        meta=ArticleMeta(language="ru"),
        paragraphs=paras,
    )
    store = VectorStore(chroma_client(store_dir), embedder, words_dir=store_dir / "words")
    indexed = store.index(article)
    return embedder, indexed, Retriever(store, indexed)


def main() -> int:
    """The full report lives in bench/train_answers.py (held-out folds); this name stays for habit."""
    from bench.train_answers import report

    if not XQUAD.exists():
        print(f"skipped: {XQUAD} not found")
        return 0
    report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
