"""Questions that ask two things ("How many students come, and why do teachers need them?").

One quote rarely answers both, and the two answers often sit in different paragraphs; each half
is answered on its own (the second alone, then with the first when alone it finds nothing)."""

from __future__ import annotations

from assistant.answer_type import patterns
from index.text import words

MIN_WORDS = 3  # a shorter half ("and when?") is a second kind of answer, not a second question


def split_question(question: str) -> tuple[str, str] | None:
    """The two halves, each a question of its own words; None for a question asking one thing."""
    for m in patterns("second_part").finditer(question):
        first, second = question[: m.start()].strip().rstrip(",").rstrip(), question[m.end() :].strip()
        if len(words(first)) >= MIN_WORDS and len(words(second)) >= MIN_WORDS:
            return first + "?", second[:1].upper() + second[1:]
    return None
