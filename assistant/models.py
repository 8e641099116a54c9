"""The data that leaves the assistant: the JSON contract of the CLI, the API and the page."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Mode = Literal["answer", "summary", "check"]


class Message(BaseModel):
    """One chat turn, OpenAI style, as Gradio hands them over."""

    role: str
    content: str


class Citation(BaseModel):
    paragraph: int
    text: str = Field(description="the paragraph's full display text")
    quote: str = Field(description="an exact substring of text that supports the answer")
    score: float


class Timings(BaseModel):
    retrieve: float = 0.0
    answer: float = 0.0
    total: float = 0.0


class AnswerResult(BaseModel):
    question: str
    answer: str
    language: str
    refused: bool
    mode: Mode = "answer"
    verdict: str | None = None
    backend: str = "extractive"
    citations: list[Citation] = Field(default_factory=list)
    timings_ms: Timings = Field(default_factory=Timings)


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is shown as is."""
