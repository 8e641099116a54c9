"""Answers on questions and articles no weight was fitted on, in one table: `make bench-answers`.

1. XQuAD (`bench/train_answers.py`): retrieval and answer-sentence choice, ru->ru and en->ru, each
   fold reported by models fitted on the other folds; the same questions with their answer
   sentences removed, refused or not.
2. Ukrainian news (`bench/data/news_questions.jsonl`, written by hand over `../shared/data/news-uk/`):
   facts cited right and on-topic unanswerable questions refused, per kind, split into the articles
   looked at while developing ("dev"), the ones not looked at when the set was written
   ("heldout"), and questions written later over four more articles by a session that had not
   seen the answering code ("fresh").
3. The default article's development questions (`../shared/data/article/dev_questions.jsonl`).

Sections 2 and 3 run the real assistant (real model, real Chroma store) as shipped.
Run: .venv/bin/python bench/answers.py [--skip-xquad] [--verbose]"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-uk"
NEWS_QUESTIONS = ROOT / "bench" / "data" / "news_questions.jsonl"


def load_news_questions(path: Path = NEWS_QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cites(result, paragraphs: list[str], evidence: str) -> bool:
    """A citation's quote overlaps the evidence text where the evidence stands in the article."""
    for c in result.citations:
        text = c.text
        at = text.find(evidence)
        if at < 0:
            continue
        q = text.find(c.quote)
        if q >= 0 and q < at + len(evidence) and at < q + len(c.quote):
            return True
    return False


def judge(assistant, item: dict) -> tuple[bool, str, object]:
    r = assistant.ask(item["question"], history=item.get("history") or [])
    language_ok = r.language == item["language"]
    if not item["answerable"]:
        ok = r.refused and language_ok
        return ok, "" if ok else ("answered" if not r.refused else f"language {r.language}"), r
    paragraphs = [p.text for p in assistant.article.paragraphs]
    covered = [cites(r, paragraphs, e) for e in item["evidence"]]
    ok = not r.refused and all(covered) and language_ok
    why = (
        "refused"
        if r.refused
        else ("wrong quote" if not any(covered) else "part missing" if not all(covered) else f"language {r.language}")
    )
    return ok, "" if ok else why, r


def news_table(verbose: bool) -> None:
    from assistant.pool import AssistantPool
    from index.article import load_article
    from settings import Settings

    if not NEWS.exists() or not NEWS_QUESTIONS.exists():
        print(f"\nnews: skipped ({NEWS} or {NEWS_QUESTIONS} not found)")
        return
    items = load_news_questions()
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    with tempfile.TemporaryDirectory() as tmp:
        pool = AssistantPool(Settings(store_dir=Path(tmp)))
        for name in dict.fromkeys(i["article"] for i in items):
            assistant = pool.add(load_article(NEWS / name))
            for item in (i for i in items if i["article"] == name):
                ok, why, r = judge(assistant, item)
                group = "ALL unanswerable" if not item["answerable"] else "ALL answerable"
                for key in ((item["split"], item["kind"]), (item["split"], group), ("all", group)):
                    counts[key][0] += ok
                    counts[key][1] += 1
                if verbose or not ok:
                    print(
                        f"{'ok  ' if ok else 'FAIL'} {item['id']} {item['split']:<7} [{item['language']}] {item['kind']:<12} {why:<13} {item['question'][:60]!r} -> {r.answer[:90]!r}"
                    )
    print("\nUkrainian news, hand-written questions (the shipped answerer; a fact counts when every evidence part is quoted)")
    print(f"{'split':<9}{'kind':<14}{'right':>6}{'total':>7}{'share':>8}")
    order = {"dev": 0, "heldout": 1, "fresh": 2, "all": 3}
    for (split, kind), (ok, n) in sorted(counts.items(), key=lambda kv: (order.get(kv[0][0], 2), kv[0][1])):
        print(f"{split:<9}{kind:<14}{ok:>6}{n:>7}{ok / n:>8.2f}")


def dev_table(verbose: bool) -> None:
    from assistant.pool import open_assistant
    from bench.devset import DEV_QUESTIONS, load_dev, per_kind, score
    from settings import Settings

    if not DEV_QUESTIONS.exists():
        print(f"\ndefault article: skipped ({DEV_QUESTIONS} not found)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        assistant = open_assistant(Settings(store_dir=Path(tmp)))
        outcomes = [o for o in (score(assistant, item) for item in load_dev()) if o is not None]
    print("\nDefault article, development questions")
    for o in outcomes:
        if verbose or not o.ok:
            print(f"{'ok  ' if o.ok else 'FAIL'} {o.id} [{o.lang}] {o.answer.get('answer', '')[:100]!r} {o.why}")
    print(f"{'kind':<14}{'right':>6}{'total':>7}")
    for kind, (ok, n) in per_kind(outcomes).items():
        print(f"{kind:<14}{ok:>6}{n:>7}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-xquad", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    from bench.page import machine

    print(f"machine: {machine()}")
    if not args.skip_xquad:
        from bench import train_answers

        train_answers.report()
    news_table(args.verbose)
    dev_table(args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
