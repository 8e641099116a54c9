"""What every mode shares: the request as the assistant cleaned it, the parts loaded once per
article, and how a finished result is sent."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.models import AnswerResult, Citation, Message
from index.article import Article

if TYPE_CHECKING:
    from assistant.claims import ClaimChecker
    from assistant.generative import GenerativeAnswerer
    from assistant.retrieval import Retriever
    from index.embeddings import Embedder
    from index.store import IndexedArticle, VectorStore
    from settings import Settings

_CITATION_END = re.compile(r"(?<=\])(?= )")


@dataclass(frozen=True)
class Request:
    question: str  # as the reader wrote it: what the result repeats
    text: str  # cleaned (`assistant.service.clean_question`): what is answered
    language: str
    turns: list[Message]
    started: float  # time.perf_counter() when it arrived


@dataclass
class ArticleParts:
    """Loaded once per article and shared by the modes."""

    settings: Settings
    embedder: Embedder
    store: VectorStore
    indexed: IndexedArticle
    retriever: Retriever
    claims: ClaimChecker
    generator: GenerativeAnswerer | None

    @property
    def article(self) -> Article:
        return self.indexed.article

    def cite(self, paragraph: int, quote: str, score: float) -> Citation:
        return Citation(paragraph=paragraph, text=self.article.paragraph(paragraph).text, quote=quote, score=round(score, 4))


class Answerer(Protocol):
    """One way of answering (answer, summary, check): text as it becomes available, then the result."""

    def stream(self, request: Request) -> Iterator[str | AnswerResult]: ...


def pieces(result: AnswerResult) -> Iterator[str | AnswerResult]:
    """A result whose text is ready at once, sent in pieces that end at a citation, then whole."""
    for piece in _CITATION_END.split(result.answer):
        if piece:
            yield piece
    yield result


def elapsed_ms(since: float, until: float | None = None) -> float:
    return round(((until if until is not None else time.perf_counter()) - since) * 1000, 2)
