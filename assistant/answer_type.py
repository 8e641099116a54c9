"""What kind of answer a question wants (a person, a date, a number, a place) and which kinds a
sentence holds, so a quote without the asked kind is not taken for an answer.

The question words and month names live in `assistant/data/question_types.json`; names and places
are told by pymorphy3's Ukrainian and Russian dictionaries (tags `Name`, `Surn`, `Patr`, `Geox`)."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from assistant.checkable import has_amount

AnswerKind = Literal["person", "date", "number", "place"]
KINDS: tuple[AnswerKind, ...] = ("person", "date", "number", "place")
_PERSON_TAGS = {"Name", "Surn", "Patr"}
_CAPITALISED = re.compile(r"(?<![\w'’])([A-ZА-ЯІЇЄҐЁ][\w'’-]+)")
_NUMBER = re.compile(r"\d")
_PLACE_PREPOSITION = re.compile(
    r"(?:^|\s)(?:у|в|во|на|біля|поблизу|під|до|із|з|зі|від|около|возле|из|от|in|at|near|from|to)$", re.IGNORECASE
)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b")


@cache
def question_types() -> dict:
    """assistant/data/question_types.json: question words and answer markers per language."""
    return json.loads(resources.files("assistant").joinpath("data/question_types.json").read_text(encoding="utf-8"))


@cache
def patterns(key: str, whole_words: bool = False) -> re.Pattern:
    """One pattern for a list of question_types.json in all three languages."""
    alternatives = "|".join(f"(?:{p})" for lang in ("en", "uk", "ru") for p in question_types()[key][lang])
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if whole_words else alternatives, re.IGNORECASE)


@cache
def _months() -> re.Pattern:
    stems = [m for lang in ("en", "uk", "ru") for m in question_types()["months"][lang]]
    return re.compile(r"\b(?:" + "|".join(sorted(stems, key=len, reverse=True)) + r")\w*", re.IGNORECASE)


def asks_amount(question: str) -> bool:
    """A question only a figure or an amount answers ("how many", "скільки"), not "how long"."""
    return wanted_kind(question) == "number" and not patterns("number_in_words").search(question.lower())


@lru_cache(maxsize=8192)
def states_amount(sentence: str, language: str) -> bool:
    """A figure, a cardinal number word or an amount in words ("кілька", "half", "шестикратный")."""
    return has_amount(sentence, language) or bool(patterns("quantities", whole_words=True).search(sentence))


def wanted_kind(question: str) -> AnswerKind | None:
    """The first kind whose question words the question uses; None for what/why/how questions."""
    low = question.lower()
    for kind in KINDS:
        if patterns(kind).search(low):
            return kind
    return None


@cache
def _analyzer(language: str):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


def sentence_kinds(sentence: str, language: str) -> frozenset[AnswerKind]:
    """Kinds of answer the sentence can give. A capitalised word inside the sentence that the
    dictionary does not know as a person counts as a possible place (organisations too)."""
    found: set[AnswerKind] = set()
    if _NUMBER.search(sentence):
        found.add("number")
    if _YEAR.search(sentence) or _months().search(sentence):
        found.add("date")
    analyzer = _analyzer(language) if language in ("uk", "ru") else None
    for m in _CAPITALISED.finditer(sentence):
        word = m.group(1)
        before = sentence[: m.start()].rstrip()
        initial = m.start() == 0 or before[-1:] in '.!?«"“—–-:'
        if _PLACE_PREPOSITION.search(before):
            found.add("place")  # "у Львові": the dictionary may read it as a first name (Лев)
        if analyzer is not None and re.match(r"[А-ЯІЇЄҐЁ]", word):
            tags = [p.tag for p in analyzer.parse(word)[:2]]
            if any(_PERSON_TAGS & set(t.grammemes) for t in tags):
                found.add("person")
                continue
            if any("Geox" in t.grammemes for t in tags):
                found.add("place")
                continue
        if not initial:
            found.update(("person", "place") if analyzer is None else ("place",))
    return frozenset(found)
