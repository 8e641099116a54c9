"""Claim checks and summaries, offline: accuracy per verdict and per kind of mismatch.

    python bench/claims.py

Sets: bench/data/claims.jsonl (45 claims; the thresholds in assistant/claims.py were tuned on
it), bench/data/claims_heldout.jsonl (15 claims written after tuning, never tuned on), and the
claims and summaries of ../shared/data/article/dev_questions.jsonl."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page import machine  # noqa: E402

DATA = ROOT / "bench" / "data"
DEV = ROOT.parent / "shared" / "data" / "article" / "dev_questions.jsonl"
VERDICTS = ("supported", "contradicted", "not_in_article")


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(assistant, rows: list[dict]) -> dict:
    per_verdict: dict[str, Counter] = defaultdict(Counter)
    per_kind: dict[str, Counter] = defaultdict(Counter)
    per_lang: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    wrong, times = [], []
    for row in rows:
        start = time.perf_counter()
        result = assistant.ask(row["claim"], mode="check")
        times.append((time.perf_counter() - start) * 1000)
        got = result.claims[0].verdict
        ok = got == row["label"]
        for table, key in ((per_verdict, row["label"]), (per_kind, row["kind"]), (per_lang, row["lang"])):
            table[key]["right" if ok else "wrong"] += 1
        confusion[(row["label"], got)] += 1
        if not ok:
            wrong.append(f"  {row['id']} [{row['lang']}, {row['kind']}] expected {row['label']}, got {got}: {row['claim']}")
    return {"per_verdict": per_verdict, "per_kind": per_kind, "per_lang": per_lang, "confusion": confusion, "wrong": wrong, "times": times}


def _rate(c: Counter) -> str:
    n = c["right"] + c["wrong"]
    return f"{c['right']}/{n} = {c['right'] / n:.0%}" if n else "-"


def report(name: str, rows: list[dict], r: dict) -> None:
    total = Counter()
    for c in r["per_verdict"].values():
        total.update(c)
    print(f"\n## {name}: {len(rows)} claims, {_rate(total)} correct")
    print("per verdict: " + "; ".join(f"{v} {_rate(r['per_verdict'][v])}" for v in VERDICTS if v in r["per_verdict"]))
    print("per kind:    " + "; ".join(f"{k} {_rate(c)}" for k, c in sorted(r["per_kind"].items())))
    print("per language: " + "; ".join(f"{k} {_rate(c)}" for k, c in sorted(r["per_lang"].items())))
    mistakes = [f"{a}->{b}: {n}" for (a, b), n in sorted(r["confusion"].items()) if a != b]
    print("confusion (expected -> got): " + (", ".join(mistakes) or "none"))
    dangerous = sum(n for (a, b), n in r["confusion"].items() if b == "supported" and a != "supported")
    print(f"'supported' given to a claim the article contradicts or lacks: {dangerous}")
    print(f"median time per claim: {statistics.median(r['times']):.0f} ms")
    for line in r["wrong"]:
        print(line)


def summaries(assistant, dev: list[dict]) -> None:
    requests = [r["q"] for r in dev if r["kind"] == "summary"] + [
        "Summarize the article",
        "Коротко перекажи статтю",
        "3 bullet points",
        "one paragraph",
        "Explain it for a 10-year-old",
    ]
    print("\n## Summaries (paragraphs cited, sections covered)")
    sections = {p.number: p.section for p in assistant.article.paragraphs}
    all_sections = {p.section for p in assistant.article.paragraphs if p.is_body}
    for q in requests:
        result = assistant.ask(q, mode="summary")
        cited = sorted({c.paragraph for c in result.citations})
        covered = {sections[n] for n in cited}
        print(
            f"  {q!r} [{result.language}]: {len(result.citations)} quotes, paragraphs {cited}, sections {len(covered)}/{len(all_sections)}"
        )


def main() -> None:
    from assistant.pool import AssistantPool

    assistant = AssistantPool().get("default")
    print(f"machine: {machine()}; offline extractive backend")
    dev = _load(DEV)
    dev_claims = [
        {"id": r["id"], "lang": r["lang"], "label": r["label"], "kind": "dev", "claim": r["q"]} for r in dev if r["kind"] == "claim"
    ]
    for name, rows in (
        ("Labelled set (tuned on)", _load(DATA / "claims.jsonl")),
        ("Held-out set (not tuned on)", _load(DATA / "claims_heldout.jsonl")),
        ("Development claims", dev_claims),
    ):
        report(name, rows, evaluate(assistant, rows))
    summaries(assistant, dev)


if __name__ == "__main__":
    main()
