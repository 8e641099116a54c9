"""Mode `answer`: a question answered by quoting the article, or by a language model whose every
sentence is verified against the article; questions about the article itself (date, source,
title) from its metadata lines."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant import extractive
from assistant.followup import retrieval_query
from assistant.identity import asked_name, mentions, sentence_names
from assistant.llm import model_label
from assistant.metadata import metadata_paragraph
from assistant.models import AnswerResult, Citation, Timings
from assistant.modes.base import ArticleParts, Request, elapsed_ms, pieces
from assistant.phrases import phrase
from assistant.two_part import split_question
from index.text import terms

if TYPE_CHECKING:
    import numpy as np

    from assistant.retrieval import Hit
    from index.article import Paragraph

GENERATIVE_PARAGRAPHS = 5  # retrieved paragraphs a model sees


@dataclass(frozen=True)
class Retrieved:
    """A question as searched: the query (with an earlier question for a follow-up), its vector
    and the paragraphs found."""

    query: str
    vector: np.ndarray
    hits: list[Hit]


@dataclass
class Choice:
    """The sentences to quote, whether they are confident enough to quote at all, and whether
    one half of a two-part question went unanswered."""

    evidence: list[extractive.Evidence] = field(default_factory=list)
    answered: bool = False
    partial: bool = False


class AnswerMode:
    def __init__(self, parts: ArticleParts) -> None:
        self.parts = parts
        indexed = parts.indexed
        self.vocabulary = {t for p in indexed.article.paragraphs for t in terms(p.text)}
        self._names: list[list[str | None]] | None = None  # identity.sentence_names, on the first 'who is'
        self.profile = None
        if parts.settings.answerer == "learned":
            from assistant.ranking import ArticleProfile, shipped_model

            self.profile, self.answer_model = ArticleProfile(parts.store.with_words(indexed)), shipped_model()

    def stream(self, request: Request) -> Iterator[str | AnswerResult]:
        meta = metadata_paragraph(request.text, self.parts.article)
        if meta is not None:
            yield from pieces(self._metadata_answer(request, *meta))
            return
        retrieved = self._retrieve(retrieval_query(request.text, request.turns))
        if self.parts.generator is not None:
            yield from self._generate(request, retrieved)
            return
        yield from pieces(self._extractive(request, retrieved))

    def _retrieve(self, query: str, vector: np.ndarray | None = None) -> Retrieved:
        if vector is None:
            vector = self.parts.embedder.encode_queries([query])[0]
        return Retrieved(query, vector, self.parts.retriever.retrieve(query, vector, self.parts.settings.top_k))

    def _generate(self, request: Request, retrieved: Retrieved) -> Iterator[str | AnswerResult]:
        from assistant.generative import Generation

        generator = self.parts.generator
        paragraphs = [h.paragraph for h in retrieved.hits[:GENERATIVE_PARAGRAPHS]]
        inputs = generator.inputs(self.parts.article, paragraphs, request.text, request.language, request.turns)
        t1 = time.perf_counter()
        generation = Generation()
        for item in generator.stream(inputs, set(paragraphs), request.language):
            if isinstance(item, Generation):
                generation = item
            else:
                yield item
        t2 = time.perf_counter()
        timings = Timings(retrieve=elapsed_ms(request.started, t1), answer=elapsed_ms(t1, t2), total=elapsed_ms(request.started, t2))
        label = model_label(self.parts.settings)
        if generation.kept:
            yield AnswerResult(
                question=request.question,
                answer=" ".join(v.text for v in generation.kept),
                language=request.language,
                refused=False,
                backend=label,
                citations=[v.citation for v in generation.kept],
                unsupported=generation.dropped,
                timings_ms=timings,
            )
            return
        if generation.refused:
            yield AnswerResult(
                question=request.question,
                answer=phrase(request.language, "refuse"),
                language=request.language,
                refused=True,
                backend=label,
                timings_ms=timings,
            )
            return
        fallback = self._extractive(request, retrieved)
        why = generation.failure or "none of its statements could be verified against the article"
        note = f"{label}: {why}; quoting the article instead."
        yield from pieces(fallback.model_copy(update={"note": note, "unsupported": generation.dropped}))

    def _extractive(self, request: Request, retrieved: Retrieved) -> AnswerResult:
        t1 = time.perf_counter()
        halves = split_question(request.text)
        choice = self._choose(request.text, request.language, retrieved) if halves is None else self._both_halves(halves, request)
        t2 = time.perf_counter()
        timings = Timings(retrieve=elapsed_ms(request.started, t1), answer=elapsed_ms(t1, t2), total=elapsed_ms(request.started, t2))
        language = request.language
        if not choice.answered:
            return AnswerResult(
                question=request.question, answer=phrase(language, "refuse"), language=language, refused=True, timings_ms=timings
            )
        evidence = sorted(choice.evidence, key=lambda e: (e.sentence.paragraph, e.sentence.start))
        citations = [self.parts.cite(e.sentence.paragraph, e.sentence.text, e.confidence) for e in evidence]
        answer = extractive.render(phrase(language, "says"), evidence)
        if choice.partial:
            answer += " " + phrase(language, "partial")
        return AnswerResult(
            question=request.question, answer=answer, language=language, refused=False, citations=citations, timings_ms=timings
        )

    def _choose(self, text: str, language: str, retrieved: Retrieved) -> Choice:
        name = asked_name(text)
        if name is not None:
            evidence = self._about(name, retrieved)
            return Choice(evidence, bool(evidence))
        if self.profile is None:
            evidence = extractive.choose_evidence(self.parts.indexed, retrieved.query, retrieved.vector, retrieved.hits, asked=text)
            return Choice(evidence, extractive.is_confident(evidence, self._threshold(language), self._penalty(text)))
        return self._learned(text, language, retrieved)

    def _both_halves(self, halves: tuple[str, str], request: Request) -> Choice:
        """Each half answered on its own; what either answers is quoted, once. The second half is
        searched alone first, then together with the first ("and what is its aim?")."""
        first, second = halves
        attempts = [(0, first, retrieval_query(first, request.turns)), (1, second, second), (1, second, f"{first} {second}")]
        evidence: list[extractive.Evidence] = []
        answered_halves: set[int] = set()
        vectors = self.parts.embedder.encode_queries([q for *_, q in attempts])
        for (half, text, query), vector in zip(attempts, vectors, strict=True):
            if half in answered_halves:
                continue
            chosen = self._choose(text, request.language, self._retrieve(query, vector))
            new = [e for e in chosen.evidence if all(e.sentence != x.sentence for x in evidence)]
            if chosen.answered and new:
                evidence += new
                answered_halves.add(half)
        return Choice(evidence, bool(evidence), len(answered_halves) == 1)

    def _about(self, name: list[str], retrieved: Retrieved) -> list[extractive.Evidence]:
        """'Who is X?': where the article names X; nothing when it never does."""
        indexed = self.parts.indexed
        if self._names is None:
            self._names = sentence_names(indexed)
        rows = mentions(self._names, name)
        if not rows:
            return []
        ranked = extractive.rank(indexed, retrieved.query, retrieved.vector, retrieved.hits)
        return extractive.about_name(indexed, ranked, rows, retrieved.vector)

    def _learned(self, text: str, language: str, retrieved: Retrieved) -> Choice:
        """The learned ranker chooses; its probability must clear a floor, and the chosen sentence the
        same similarity confidence the default answerer refuses by (on XQuAD's threshold alone it
        refuses plain answerable questions, see docs/benchmarks.md)."""
        from assistant.learned import choose_evidence
        from assistant.ranking import question_view

        indexed = self.parts.indexed
        words = self.parts.embedder.encode_question(retrieved.query)
        question = question_view(retrieved.query, language, words.embedding, words, asked=text)
        choice = choose_evidence(self.profile, question, retrieved.hits, self.answer_model)
        by_paragraph = {h.paragraph: h for h in retrieved.hits}
        # Candidates come only from retrieved paragraphs; the refusal test reads the first
        # sentence's confidence, so every quoted sentence carries the best one's.
        confidence = max(
            (
                extractive.similarity_confidence(
                    indexed.similarity.to_sentence(r, words.embedding), by_paragraph[indexed.sentences[r].paragraph]
                )
                for r in choice.rows
            ),
            default=0.0,
        )
        evidence = [extractive.Evidence(indexed.sentences[r], choice.probability, confidence) for r in choice.rows]
        confident = extractive.is_confident(evidence, self._threshold(language), self._penalty(text))
        return Choice(evidence, choice.probability >= self.parts.settings.learned_floor and confident)

    def _threshold(self, language: str) -> float:
        settings = self.parts.settings
        if language == self.parts.article.meta.language:
            return settings.refuse_threshold or extractive.SAME_LANGUAGE_THRESHOLD
        return settings.refuse_threshold_cross or extractive.CROSS_LANGUAGE_THRESHOLD

    def _penalty(self, question: str) -> float:
        return extractive.UNKNOWN_ACRONYM_PENALTY if extractive.unknown_acronyms(question, self.vocabulary) else 0.0

    def _metadata_answer(self, request: Request, intent: str, paragraph: Paragraph) -> AnswerResult:
        quote = paragraph.text if intent != "source" else (self.parts.article.meta.source or paragraph.text)
        answer = f"{phrase(request.language, 'meta_' + intent)} «{quote}» [¶{paragraph.number}]"
        total = elapsed_ms(request.started)
        return AnswerResult(
            question=request.question,
            answer=answer,
            language=request.language,
            refused=False,
            citations=[Citation(paragraph=paragraph.number, text=paragraph.text, quote=quote, score=1.0)],
            timings_ms=Timings(retrieve=0.0, answer=total, total=total),
        )
