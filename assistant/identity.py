"""'Who is X?' (and 'What is X?' for a named thing): the reader names someone, so the article's answer is where it mentions that name.

Sentence similarity misses these across scripts ("Who is Petro Bilyi?" sits far from "Петро
Білий, тренер команди") and would quote a sentence about someone else; matching the name
itself finds the mention, and a name the article never has is a question it cannot answer."""

from __future__ import annotations

import itertools
import re
from functools import cache

from assistant.answer_type import question_types
from assistant.checkable import name_key, same_name, words_of
from index.store import IndexedArticle

_NAME_WORD = re.compile(r"[A-ZА-ЯІЇЄҐЁ][\w'’-]*")


@cache
def _identity() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.IGNORECASE) for lang in ("en", "uk", "ru") for p in question_types()["identity"][lang])


def asked_name(question: str) -> list[str] | None:
    """Keys of the name a 'who is' / 'what is' question asks about ("Who is Petro Bilyi?" ->
    petro, bilii; "What is Svitanok?" -> svitanok)."""
    for pattern in _identity():
        m = pattern.match(question.strip())
        if m is None:
            continue
        rest = m.groupdict().get("name") or m.group("thing")
        words = [w for w, *_ in words_of(rest)]
        keys = [name_key(w) for w in itertools.takewhile(_NAME_WORD.fullmatch, words)]
        if m.groupdict().get("thing") is not None and len(keys) < len(words):
            continue
        return keys or None
    return None


def sentence_names(indexed: IndexedArticle) -> list[set[str]]:
    """Keys of each sentence's capitalised words, worked out once per article."""
    return [{name_key(w) for w, *_ in words_of(s.text) if w[:1].isupper()} for s in indexed.sentences]


def mentions(names: list[set[str]], keys: list[str]) -> list[int]:
    """Rows of the sentences that carry the name's last word: a surname stands alone after the
    first mention, and a first name alone ("Марія") is its own last word."""
    return [row for row, found in enumerate(names) if any(same_name(keys[-1], k) for k in found)]
