"""Mode `summary`: key sentences from every section, quoted; with a language model, one verified
sentence per section instead, each falling back to its quote when it cannot be verified."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from assistant.key_sentences import KeySentence, key_sentences, parse_request
from assistant.llm import model_label
from assistant.models import AnswerResult, Citation, Timings, Unsupported
from assistant.modes.base import ArticleParts, Request, elapsed_ms, pieces
from assistant.phrases import phrase, quoted

EXTRACTIVE = "extractive"


@dataclass
class Point:
    text: str
    citation: Citation


@dataclass
class Points:
    """The summary's points, what a model wrote that was dropped, who wrote them, and why not the model."""

    points: list[Point]
    dropped: list[Unsupported] = field(default_factory=list)
    backend: str = EXTRACTIVE
    note: str = ""


class SummaryMode:
    def __init__(self, parts: ArticleParts) -> None:
        self.parts = parts

    def stream(self, request: Request) -> Iterator[str | AnswerResult]:
        yield from pieces(self._summary(request))

    def _summary(self, request: Request) -> AnswerResult:
        language = request.language
        wanted = parse_request(request.text)
        chosen = key_sentences(self.parts.indexed, wanted)
        quotes = Points([self._quote(k) for k in chosen])
        summary = self._model_points(chosen, quotes, language, wanted.simple) if self.parts.generator is not None and chosen else quotes
        texts = [p.text for p in summary.points]
        if wanted.one_paragraph:
            frame = phrase(language, "summary_one" if summary.backend == EXTRACTIVE else "summary_model_one")
            answer = f"{frame} " + " ".join(texts)
        elif summary.backend != EXTRACTIVE:
            answer = phrase(language, "summary_model").format(n=len(texts)) + "\n" + "\n".join(f"• {q}" for q in texts)
        else:
            frame = phrase(language, "summary_simple") if wanted.simple else phrase(language, "summary").format(n=len(chosen))
            answer = frame + "\n" + "\n".join(f"• {q}" for q in texts)
        total = elapsed_ms(request.started)
        return AnswerResult(
            question=request.question,
            answer=answer,
            language=language,
            refused=not chosen,
            mode="summary",
            backend=summary.backend,
            citations=[p.citation for p in summary.points],
            unsupported=summary.dropped,
            note=summary.note,
            timings_ms=Timings(answer=total, total=total),
        )

    def _quote(self, key: KeySentence) -> Point:
        sentence = key.sentence
        return Point(quoted(sentence.text, sentence.paragraph), self.parts.cite(sentence.paragraph, sentence.text, key.salience))

    def _model_points(self, chosen: list[KeySentence], quotes: Points, language: str, simple: bool) -> Points:
        """Section by section: the model writes one sentence per part, each verified against that
        part's paragraphs; a part whose sentence fails keeps its offline quote."""
        article = self.parts.article
        points, dropped, failures = [], [], []
        for key, fallback in zip(chosen, quotes.points, strict=True):
            paragraphs = [p.number for p in article.paragraphs if p.section == key.section and p.is_body]
            written = self.parts.generator.summarize(article, paragraphs, language, simple)
            dropped += written.dropped
            if written.verified is None:
                points.append(fallback)
                failures.append(written.failure)
            else:
                points.append(Point(written.verified.text, written.verified.citation))
        label = model_label(self.parts.settings)
        if len(failures) == len(chosen):
            return Points(quotes.points, dropped, EXTRACTIVE, f"{label}: {failures[0]}; quoting the article instead.")
        note = (
            f"{label}: {len(failures)} of {len(chosen)} points could not be verified and are quoted from the article." if failures else ""
        )
        return Points(points, dropped, label, note)
