"""Resolving follow-up questions offline: a question that leans on an earlier turn
("What did they discuss?") is searched together with the question it follows."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from assistant.models import Message
from index.text import words


@cache
def _anaphora() -> frozenset[str]:
    """Words that point back to something said before, per language (assistant/data/followup_words.json)."""
    data = json.loads(resources.files("assistant").joinpath("data/followup_words.json").read_text(encoding="utf-8"))
    return frozenset(w for lang, ws in data.items() if not lang.startswith("_") for w in ws)


def needs_context(question: str) -> bool:
    toks = words(question)
    return len(toks) <= 3 or any(t in _anaphora() for t in toks)


def last_user_question(history: list[Message]) -> str | None:
    for msg in reversed(history):
        if msg.role == "user" and msg.content.strip():
            return msg.content.strip()
    return None


def retrieval_query(question: str, history: list[Message]) -> str:
    """The text to search with: the question, preceded by the one it follows when it needs it."""
    previous = last_user_question(history)
    if previous and needs_context(question):
        return f"{previous} {question}"
    return question
