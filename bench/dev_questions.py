"""Per-kind accuracy on ../shared/data/article/dev_questions.jsonl (real model, real store).

Run: .venv/bin/python bench/dev_questions.py [--verbose]"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.devset import DEV_QUESTIONS, load_dev, per_kind, score
from settings import Settings


def main() -> int:
    from assistant.pool import open_assistant

    if not DEV_QUESTIONS.exists():
        print(f"skipped: {DEV_QUESTIONS} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        assistant = open_assistant(Settings(store_dir=Path(tmp)))
        outcomes = [o for o in (score(assistant, item) for item in load_dev()) if o is not None]
    for o in outcomes:
        if "--verbose" in sys.argv or not o.ok:
            print(f"{'ok  ' if o.ok else 'FAIL'} {o.id} [{o.lang}] {o.answer.get('answer', '')[:110]!r} {o.why}")
    print(f"{'kind':<14}{'correct':>8}{'total':>7}")
    for kind, (ok, n) in per_kind(outcomes).items():
        print(f"{kind:<14}{ok:>8}{n:>7}")
    skipped = [i["id"] for i in load_dev() if i["kind"] in ("claim", "summary")]
    print(f"scored by bench/claims.py: {', '.join(skipped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
