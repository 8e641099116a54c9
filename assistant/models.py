"""The data that leaves the assistant: the JSON contract of the CLI, the API and the page."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

Mode = Literal["answer", "summary", "check"]
MODES: tuple[Mode, ...] = get_args(Mode)


class Message(BaseModel):
    """One chat turn, OpenAI style, as Gradio hands them over."""

    role: str
    content: str


class Citation(BaseModel):
    paragraph: int
    text: str = Field(description="the paragraph's full display text")
    quote: str = Field(description="an exact substring of text that supports the answer")
    score: float


Verdict = Literal["supported", "contradicted", "not_in_article", "not_verified"]


class ClaimCheck(BaseModel):
    claim: str
    verdict: Verdict
    method: str = Field(description="what produced the verdict")
    reason: str = ""
    evidence: list[Citation] = Field(default_factory=list, description="the closest quotes, best first")
    instead: Citation | None = Field(default=None, description="for a contradicted claim: what the article says")
    language: str | None = Field(default=None, description="the claim's language, which the verdict and reason are worded in")


class Unsupported(BaseModel):
    """A statement of a model's answer that did not reach the reader, and why."""

    text: str
    paragraphs: list[int] = Field(default_factory=list, description="what it cited")
    reason: str


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
    claims: list[ClaimCheck] = Field(default_factory=list, description="mode 'check': one result per claim")
    unsupported: list[Unsupported] = Field(default_factory=list, description="a model's statements dropped by verification")
    note: str = Field(default="", description="why the answer is not what the configured answerer gave (a fallback)")
    timings_ms: Timings = Field(default_factory=Timings)


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long); the message is shown as is."""
