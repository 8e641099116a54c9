"""`Assistant`: the one entry point the CLI, the page and the benchmarks call.

It cleans the question, works out its language and hands it to the mode asked for
(`assistant.modes`); everything loaded per article lives in one `ArticleParts` the modes share."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from assistant.claims import ClaimChecker
from assistant.models import MODES, AnswerResult, Message, Mode, QuestionError
from assistant.modes import Answerer, AnswerMode, ArticleParts, CheckMode, Request, SummaryMode
from assistant.retrieval import Retriever
from index.article import Article
from index.embeddings import Embedder
from index.store import IndexedArticle, VectorStore
from index.text import detect_language
from settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseLanguageModel

    from assistant.generative import GenerativeAnswerer

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# One space for a run of spaces and one line break for a run of lines (claims are one per line),
# so no pattern downstream meets a long run.
_SPACES = re.compile(r"[^\S\n]+")
_LINES = re.compile(r"\n\s*")


class Assistant:
    """Answers questions about one indexed article; models and the store are loaded once."""

    def __init__(
        self, settings: Settings, embedder: Embedder, store: VectorStore, indexed: IndexedArticle, model: BaseLanguageModel | None = None
    ) -> None:
        claims = ClaimChecker(indexed, embedder)
        generator = None
        if model is not None:  # the chain's imports cost start-up time the offline default does not need
            from assistant.generative import GenerativeAnswerer
            from assistant.verify import Verifier

            generator = GenerativeAnswerer(model, Verifier(claims))
        self.parts = ArticleParts(settings, embedder, store, indexed, Retriever(store, indexed), claims, generator)
        self.modes: dict[Mode, Answerer] = {
            "answer": AnswerMode(self.parts),
            "summary": SummaryMode(self.parts),
            "check": CheckMode(self.parts),
        }

    @property
    def settings(self) -> Settings:
        return self.parts.settings

    @property
    def embedder(self) -> Embedder:
        return self.parts.embedder

    @property
    def store(self) -> VectorStore:
        return self.parts.store

    @property
    def indexed(self) -> IndexedArticle:
        return self.parts.indexed

    @property
    def article(self) -> Article:
        return self.parts.article

    @property
    def retriever(self) -> Retriever:
        return self.parts.retriever

    @property
    def claims(self) -> ClaimChecker:
        return self.parts.claims

    @property
    def generator(self) -> GenerativeAnswerer | None:
        """The language model's answerer, or None for the offline default."""
        return self.parts.generator

    def ask(self, question: str, history: Iterable[Message | dict] | None = None, mode: Mode = "answer") -> AnswerResult:
        result = None
        for item in self.stream(question, history, mode):
            if isinstance(item, AnswerResult):
                result = item
        assert result is not None
        return result

    def stream(self, question: str, history: Iterable[Message | dict] | None = None, mode: Mode = "answer") -> Iterator[str | AnswerResult]:
        """Text as it becomes available, then the whole result.

        A language model's answer comes sentence by sentence, each verified before it is shown;
        the offline answerer has its text at once and sends it in pieces ending at a citation."""
        started = time.perf_counter()
        if mode not in MODES:
            raise QuestionError(f"Unknown mode '{mode}'; use one of: {', '.join(MODES)}.")
        text = clean_question(question, self.settings.max_question_chars)
        turns = [m if isinstance(m, Message) else Message.model_validate(m) for m in (history or [])]
        yield from self.modes[mode].stream(Request(question, text, detect_language(text), turns, started))


def clean_question(question: str, limit: int) -> str:
    """Strip control and direction-override characters; refuse empty or oversized questions."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.")
    cleaned = _LINES.sub("\n", _SPACES.sub(" ", _CONTROL.sub(" ", question))).strip()
    if not cleaned:
        raise QuestionError("The question is empty: type a question about the article.")
    if len(cleaned) > limit:
        raise QuestionError(f"The question is {len(cleaned):,} characters long; the limit is {limit:,}. Please shorten it.")
    return cleaned
