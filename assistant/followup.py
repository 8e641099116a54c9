"""Resolving follow-up questions offline: a question that leans on an earlier turn
("What did they discuss?") is searched together with the question it follows."""

from __future__ import annotations

from assistant.models import Message
from index.text import words

# Words that point back to something said before, in uk / ru / en.
_ANAPHORA = {
    "that", "this", "those", "these", "they", "them", "their", "he", "him", "his", "she", "her",
    "it", "its", "there", "then", "trip", "meeting", "visit",
    "це", "цей", "ця", "ці", "той", "та", "ті", "той", "він", "вона", "вони", "його", "її", "їх",
    "їхній", "там", "тоді", "цього", "цієї", "цим", "нього", "неї", "них", "поїздка", "зустріч",
    "это", "этот", "эта", "эти", "тот", "те", "он", "она", "они", "его", "ее", "их", "там",
    "тогда", "этого", "этой", "этим", "него", "нее", "них", "поездка", "встреча", "визит",
}


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
