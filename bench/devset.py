"""Scoring the assistant on the development question set; shared by the benchmark and the test."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from index.text import normalize

DEV_QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "data" / "article" / "dev_questions.jsonl"


@dataclass
class Outcome:
    id: str
    kind: str
    lang: str
    ok: bool
    why: str = ""
    answer: dict = field(default_factory=dict)


def load_dev(path: Path = DEV_QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _cites_evidence(result, evidence: list[str]) -> bool:
    cited = [normalize(c.text) for c in result.citations]
    return all(any(normalize(e) in c for c in cited) for e in evidence)


def score(assistant, item: dict) -> Outcome | None:
    """Judge one item; None for kinds this answerer does not handle yet (claims, summaries)."""
    kind = item["kind"]
    if kind == "fact":
        r = assistant.ask(item["q"])
        ok = not r.refused and _cites_evidence(r, item["evidence"]) and r.language == item["lang"]
        return Outcome(
            item["id"],
            kind,
            item["lang"],
            ok,
            "" if ok else f"refused={r.refused} cited={[c.paragraph for c in r.citations]} lang={r.language}",
            r.model_dump(),
        )
    if kind == "unanswerable":
        r = assistant.ask(item["q"])
        ok = r.refused and not r.citations and r.language == item["lang"]
        return Outcome(item["id"], kind, item["lang"], ok, "" if ok else f"answered: {r.answer[:80]}", r.model_dump())
    if kind == "followup":
        history: list[dict] = []
        r = None
        for turn in item["turns"]:
            r = assistant.ask(turn, history=history)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": r.answer}]
        ok = not r.refused and _cites_evidence(r, item["evidence"])
        return Outcome(item["id"], kind, item["lang"], ok, "" if ok else f"cited={[c.paragraph for c in r.citations]}", r.model_dump())
    if kind == "adversarial":
        r = assistant.ask(item["q"])
        ok = r.refused and r.language == item["lang"]
        return Outcome(item["id"], kind, item["lang"], ok, "" if ok else f"answered: {r.answer[:80]}", r.model_dump())
    return None


def per_kind(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in outcomes:
        table[o.kind][0] += o.ok
        table[o.kind][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(table.items())}
