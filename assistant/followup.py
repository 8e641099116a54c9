"""Resolving follow-up questions offline: a question that leans on an earlier turn
("What did they discuss?") is searched together with the question it follows."""

from __future__ import annotations

from assistant.models import Message
from index.text import words

# Words that point back to something said before, in uk / ru / en.
_ANAPHORA = set(
    [
        "he",
        "her",
        "him",
        "his",
        "it",
        "its",
        "meeting",
        "she",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "trip",
        "visit",
        "визит",
        "вона",
        "вони",
        "встреча",
        "він",
        "его",
        "ее",
        "зустріч",
        "их",
        "його",
        "него",
        "нее",
        "неї",
        "них",
        "нього",
        "он",
        "она",
        "они",
        "поездка",
        "поїздка",
        "та",
        "там",
        "те",
        "тогда",
        "тоді",
        "той",
        "тот",
        "ті",
        "це",
        "цей",
        "цим",
        "цього",
        "ця",
        "ці",
        "цієї",
        "эта",
        "эти",
        "этим",
        "это",
        "этого",
        "этой",
        "этот",
        "їх",
        "їхній",
        "її",
    ]
)


def needs_context(question: str) -> bool:
    toks = words(question)
    return len(toks) <= 3 or any(t in _ANAPHORA for t in toks)


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
