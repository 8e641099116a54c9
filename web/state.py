"""Each visitor's own values between events: the article in use, where it came from, the conversation.

Gradio keeps a `gr.State` per browser session, so two readers never see each other's turns. The
interface language is the language chooser's own value, which is per session already."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import gradio as gr


class Source(TypedDict):
    """Where the article in use came from, for the status line under the article."""

    kind: Literal["default", "file", "paste"]
    name: str


def default_source() -> Source:
    """A fresh value each time: a session's state must never share a dict with another's."""
    return {"kind": "default", "name": ""}


@dataclass(frozen=True)
class Session:
    """The per-visitor state components that handlers read as inputs and update as outputs."""

    article_id: gr.State
    turns: gr.State
    source: gr.State

    @classmethod
    def create(cls, article_id: str) -> Session:
        """Called inside `gr.Blocks`: every new visitor starts on the default article with no turns."""
        return cls(article_id=gr.State(article_id), turns=gr.State([]), source=gr.State(default_source()))


def new_turn(question: str, mode: str) -> dict[str, Any]:
    """A turn while it is answered: `partial` grows as text streams in, then `result` or `error` is set."""
    return {"question": question, "mode": mode, "partial": "", "result": None, "error": None}


def history(turns: list[dict]) -> list[dict[str, str]]:
    """What the assistant sees of earlier turns: questions and the answers actually given."""
    messages: list[dict[str, str]] = []
    for turn in turns:
        result = turn.get("result")
        if result is None:
            continue
        messages += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": result["answer"]}]
    return messages
