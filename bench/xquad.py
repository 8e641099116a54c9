"""XQuAD (Russian paragraphs): retrieval recall@1/@5 and MRR for Russian and English questions,
answer-sentence accuracy, and the refusal trade-off on questions whose article is not indexed.

Reads ../shared/data/xquad/ (never copied into the repository); skips cleanly without it.
Run: .venv/bin/python bench/xquad.py [--limit N] [--dump results.jsonl]"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

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


def as_article(paragraphs: list[dict]):
    """XQuAD's Russian paragraphs as one long article, a paragraph each."""
    from index.article import Article, ArticleMeta, Paragraph

    paras = [Paragraph(number=i + 1, text=p["context"]) for i, p in enumerate(paragraphs)]
    return Article(
        id="xquad-ru",
        content_hash=hashlib.sha256("\n\n".join(p.text for p in paras).encode()).hexdigest(),
        meta=ArticleMeta(language="ru"),
        paragraphs=paras,
    )


def questions(ru: list[dict], source: list[dict], keep=lambda article: True) -> list[tuple[str, int, str]]:
    """`source`'s questions (ru's or a translation's) with their paragraph number and the Russian
    answer span, for the articles `keep` accepts."""
    return [(q, i + 1, ru[i]["qas"][j][1]) for i, p in enumerate(source) if keep(ru[i]["article"]) for j, (q, _) in enumerate(p["qas"])]


def build(paragraphs: list[dict], store_dir: Path):
    from assistant.retrieval import Retriever
    from index.embeddings import embedder_for
    from index.store import VectorStore, chroma_client
    from settings import Settings

    settings = Settings(store_dir=store_dir)
    embedder = embedder_for(settings)
    article = as_article(paragraphs)
    store = VectorStore(chroma_client(store_dir), embedder, words_dir=store_dir / "words")
    indexed = store.with_words(store.index(article))
    return embedder, indexed, Retriever(store, indexed)


def evaluate(embedder, indexed, retriever, questions: list[tuple[str, int, str]], k: int = 5) -> dict:
    from assistant.extractive import choose_evidence

    vecs = embedder.encode_queries([q for q, _, _ in questions])
    r1 = r5 = mrr = sent_ok = 0
    lat = []
    confidences = []
    per_question = []
    for (q, gold, answer), v in zip(questions, vecs, strict=True):
        t = time.perf_counter()
        hits = retriever.retrieve(q, v, max(k, 10))
        ev = choose_evidence(indexed, q, v, hits, asked=q)
        lat.append(time.perf_counter() - t)
        ranks = [h.paragraph for h in hits]
        if ranks and ranks[0] == gold:
            r1 += 1
        if gold in ranks[:k]:
            r5 += 1
        if gold in ranks:
            mrr += 1 / (ranks.index(gold) + 1)
        sentence_right = any(e.sentence.paragraph == gold and answer in e.sentence.text for e in ev)
        sent_ok += sentence_right
        confidences.append(ev[0].confidence if ev else 0.0)
        per_question.append(
            {
                "question": q,
                "paragraph": gold,
                "top": ranks[0] if ranks else None,
                "sentence_right": sentence_right,
                "evidence": [e.sentence.paragraph for e in ev],
                "confidence": ev[0].confidence if ev else 0.0,
            }
        )
    n = len(questions)
    return {
        "n": n,
        "recall@1": r1 / n,
        "recall@5": r5 / n,
        "mrr": mrr / n,
        "sentence_acc": sent_ok / n,
        "median_ms": 1000 * float(np.median(lat)),
        "confidences": confidences,
        "per_question": per_question,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0, help="questions per language (0 = all)")
    ap.add_argument("--dump", type=Path, help="write each question's result here (JSON Lines), to pair two runs")
    args = ap.parse_args()
    if not XQUAD.exists():
        print(f"skipped: {XQUAD} not found")
        return 0
    ru, en = load("ru"), load("en")
    from bench.page import machine

    print(f"machine: {machine()}")
    from settings import Settings

    # A persistent store: the collection is keyed by content and model, so reruns skip embedding.
    store_dir = Settings().cache_dir / "bench-store"
    t = time.perf_counter()
    embedder, indexed, retriever = build(ru, store_dir)
    print(
        f"indexed (or loaded from the bench store) {len(ru)} Russian paragraphs ({len(indexed.sentences)} sentences) in {time.perf_counter() - t:.1f} s"
    )
    dumped = []
    for lang, source in (("ru", ru), ("en", en)):
        qs = questions(ru, source)
        if args.limit:
            qs = qs[:: max(1, len(qs) // args.limit)][: args.limit]
        m = evaluate(embedder, indexed, retriever, qs)
        print(
            f"{lang}->ru  n={m['n']}  recall@1 {m['recall@1']:.3f}  recall@5 {m['recall@5']:.3f}  MRR {m['mrr']:.3f}  "
            f"answer-sentence {m['sentence_acc']:.3f}  median {m['median_ms']:.1f} ms/question (retrieve+select)"
        )
        dumped += [{"lang": lang, **row} for row in m["per_question"]]
    if args.dump:
        args.dump.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in dumped), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
