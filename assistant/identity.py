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
_CLOSING = re.compile(r"^[\s?!.…»\"'”]+|[\s?!.…»\"'”]+$")


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
        is_thing = m.groupdict().get("thing") is not None
        rest = m.group("thing") if is_thing else m.group("name")
        spans = list(itertools.takewhile(lambda w: _NAME_WORD.fullmatch(w[0]) is not None, words_of(rest)))
        if not spans or spans[-1][0].endswith(("'s", "’s")):
            continue
        after = _CLOSING.sub("", rest[spans[-1][2] :])
        # The name must end the question, or (for a person) open a clause about them ("Марія, яка
        # перекладала"): "Who is Petrenko meeting?" and "Who is Petrenko's wife?" ask about someone else.
        if after and (is_thing or not after.startswith((",", "—", "–", "("))):
            continue
        return [name_key(w) for w, *_ in spans]
    return None


def sentence_names(indexed: IndexedArticle) -> list[list[str | None]]:
    """Each sentence's words in order, a capitalised word as its name key and any other as None,
    worked out once per article."""
    return [[name_key(w) if w[:1].isupper() else None for w, *_ in words_of(s.text)] for s in indexed.sentences]


def mentions(names: list[list[str | None]], keys: list[str]) -> list[int]:
    """Rows of the sentences that name the person: their last word (a surname stands alone after
    the first mention, and a first name alone, "Марія", is its own last word), not preceded by
    another first name ("Тарас Шевченко" is not Andriy Shevchenko, "Президент Зеленський" not
    Olena Zelenska)."""
    return [row for row, words in enumerate(names) if _names(words, keys)]


def _names(words: list[str | None], keys: list[str]) -> bool:
    *first, last = keys
    for i, key in enumerate(words):
        # One word alone must be that word inflected ("Марії"), not a longer name it starts ("Іваненко").
        if key is None or not same_name(last, key) or (not first and abs(len(key) - len(last)) > 3):
            continue
        before = words[i - 1] if i else None
        if first and before is not None and not any(same_name(f, before) or before == f[:1] for f in first):
            continue
        return True
    return False
