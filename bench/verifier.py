"""The verifier on its own: statements with known good and known bad citations.

    python bench/verifier.py

bench/data/verifier.jsonl holds 32 statements a model might write about the article, each with
the paragraph it cites: 16 correct (paraphrases in English, Russian and Ukrainian, one with a
pronoun) and 16 bad (another place, number, date, person, negation; a paragraph that does not say
it; details made up around true names). Prints how many bad ones are caught, how many good ones
are wrongly dropped, and the time per statement."""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page import machine  # noqa: E402


def main() -> None:
    from assistant.models import Unsupported
    from assistant.pool import AssistantPool
    from assistant.verify import Statement, Verifier

    assistant = AssistantPool().get("default")
    verifier = Verifier(assistant.claims)
    rows = [
        json.loads(line) for line in (ROOT / "bench" / "data" / "verifier.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    verifier.verify(Statement("warm-up sentence", [9]), {9})
    caught, dropped, per_kind, times, mistakes = 0, 0, Counter(), [], []
    for row in rows:
        start = time.perf_counter()
        outcome = verifier.verify(Statement(row["statement"], row["cited"]), set(range(1, len(assistant.article.paragraphs) + 1)))
        times.append((time.perf_counter() - start) * 1000)
        kept = not isinstance(outcome, Unsupported)
        if row["label"] == "bad" and not kept:
            caught += 1
            per_kind[row["kind"], "caught"] += 1
        elif row["label"] == "good" and not kept:
            dropped += 1
            mistakes.append(f"  dropped good {row['id']} [{row['kind']}]: {row['statement']} ({outcome.reason[:90]})")
        elif row["label"] == "bad":
            per_kind[row["kind"], "missed"] += 1
            mistakes.append(f"  kept bad {row['id']} [{row['kind']}]: {row['statement']}")
    bad = sum(r["label"] == "bad" for r in rows)
    good = len(rows) - bad
    print(f"machine: {machine()}")
    print(f"bad citations caught: {caught}/{bad} = {caught / bad:.0%}")
    print(f"good statements wrongly dropped: {dropped}/{good} = {dropped / good:.0%}")
    kinds = sorted({k for k, _ in per_kind})
    print(
        "bad, per kind (caught/all): "
        + ", ".join(f"{k} {per_kind[k, 'caught']}/{per_kind[k, 'caught'] + per_kind[k, 'missed']}" for k in kinds)
    )
    print(f"time per statement: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    for line in mistakes:
        print(line)


if __name__ == "__main__":
    main()
