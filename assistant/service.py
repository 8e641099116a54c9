"""`Assistant`: the one entry point the CLI, the page and the benchmarks call."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from assistant import extractive
from assistant.claims import MAX_CLAIMS, ClaimChecker, claim_language, split_claims
from assistant.followup import retrieval_query
from assistant.identity import asked_name, mentions, sentence_names
from assistant.llm import model_label
from assistant.metadata import metadata_paragraph
from assistant.models import MODES, AnswerResult, Citation, ClaimCheck, Message, Mode, QuestionError, Timings
from assistant.phrases import phrase
from assistant.retrieval import Retriever
from assistant.summary import key_sentences, parse_request
from assistant.two_part import split_question
from index.article import Article
from index.embeddings import Embedder
from index.store import IndexedArticle, VectorStore
from index.text import detect_language, terms
from settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from langchain_core.language_models import BaseLanguageModel

    from assistant.retrieval import Hit

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
# One space for a run of spaces and one line break for a run of lines (claims are one per line),
# so no pattern downstream meets a long run.
_SPACES = re.compile(r"[^\S\n]+")
_LINES = re.compile(r"\n\s*")
_CITATION_END = re.compile(r"(?<=\])(?= )")
GENERATIVE_PARAGRAPHS = 5  # retrieved paragraphs a model sees


class Assistant:
    """Answers questions about one indexed article; models and the store are loaded once."""

    def __init__(
        self, settings: Settings, embedder: Embedder, store: VectorStore, indexed: IndexedArticle, model: BaseLanguageModel | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.indexed = indexed
        self.retriever = Retriever(store, indexed)
        self.hub = extractive.hubness(indexed.sentence_vectors)
        self.profile = None
        if settings.answerer == "learned":
            from assistant.ranking import ArticleProfile, shipped_model

            self.profile, self.answer_model = ArticleProfile(store.with_words(indexed)), shipped_model()
        self.vocabulary = {t for p in indexed.article.paragraphs for t in terms(p.text)}
        self.claims = ClaimChecker(indexed, embedder)
        self._names: list[list[str | None]] | None = None  # identity.sentence_names, on the first 'who is'
        self.generator = None
        if model is not None:  # the chain's imports cost start-up time the offline default does not need
            from assistant.generative import GenerativeAnswerer
            from assistant.verify import Verifier

            self.generator = GenerativeAnswerer(model, Verifier(self.claims))

    @classmethod
    def from_settings(cls, settings: Settings | None = None, article: str | Article | None = None) -> Assistant:
        from assistant.pool import AssistantPool

        pool = AssistantPool(settings)
        return pool.add(article) if isinstance(article, Article) else pool.get(article)

    @property
    def article(self) -> Article:
        return self.indexed.article

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
        t0 = time.perf_counter()
        if mode not in MODES:
            raise QuestionError(f"Unknown mode '{mode}'; use one of: {', '.join(MODES)}.")
        text = clean_question(question, self.settings.max_question_chars)
        turns = [m if isinstance(m, Message) else Message.model_validate(m) for m in (history or [])]
        language = detect_language(text)
        if mode == "summary":
            yield from _pieces(self._summary(question, text, language, t0))
            return
        if mode == "check":
            yield from _pieces(self._check(question, text, language, t0))
            return
        meta = metadata_paragraph(text, self.article)
        if meta is not None:
            yield from _pieces(self._metadata_answer(question, language, meta, t0))
            return
        query = retrieval_query(text, turns)
        vector = self.embedder.encode_queries([query])[0]
        hits = self.retriever.retrieve(query, vector, self.settings.top_k)
        if self.generator is not None:
            yield from self._generate(question, text, language, turns, query, vector, hits, t0)
            return
        yield from _pieces(self._extractive(question, text, language, turns, query, vector, hits, t0))

    def _generate(self, question, text, language, turns, query, vector, hits, t0) -> Iterator[str | AnswerResult]:
        paragraphs = [h.paragraph for h in hits[:GENERATIVE_PARAGRAPHS]]
        inputs = self.generator.inputs(self.article, paragraphs, text, language, turns)
        t1 = time.perf_counter()
        from assistant.generative import Generation

        generation = Generation()
        for item in self.generator.stream(inputs, set(paragraphs), language):
            if isinstance(item, Generation):
                generation = item
            else:
                yield item
        t2 = time.perf_counter()
        timings = Timings(retrieve=_ms(t1 - t0), answer=_ms(t2 - t1), total=_ms(t2 - t0))
        label = model_label(self.settings)
        if generation.kept:
            yield AnswerResult(
                question=question,
                answer=" ".join(v.text for v in generation.kept),
                language=language,
                refused=False,
                backend=label,
                citations=[v.citation for v in generation.kept],
                unsupported=generation.dropped,
                timings_ms=timings,
            )
            return
        if generation.refused:
            yield AnswerResult(
                question=question, answer=phrase(language, "refuse"), language=language, refused=True, backend=label, timings_ms=timings
            )
            return
        fallback = self._extractive(question, text, language, turns, query, vector, hits, t0)
        why = generation.failure or "none of its statements could be verified against the article"
        note = f"{label}: {why}; quoting the article instead."
        yield from _pieces(fallback.model_copy(update={"note": note, "unsupported": generation.dropped}))

    def _extractive(self, question, text, language, turns, query, vector, hits, t0) -> AnswerResult:
        t1 = time.perf_counter()
        halves = split_question(text)
        partial = False
        if halves is None:
            evidence, answered = self._choose(text, language, query, vector, hits)
        else:
            evidence, answered, partial = self._both_halves(halves, language, turns)
        t2 = time.perf_counter()
        timings = Timings(retrieve=_ms(t1 - t0), answer=_ms(t2 - t1), total=_ms(t2 - t0))
        if not answered:
            return AnswerResult(question=question, answer=phrase(language, "refuse"), language=language, refused=True, timings_ms=timings)
        citations = [
            Citation(
                paragraph=e.sentence.paragraph,
                text=self.article.paragraph(e.sentence.paragraph).text,
                quote=e.sentence.text,
                score=round(e.confidence, 4),
            )
            for e in sorted(evidence, key=lambda e: (e.sentence.paragraph, e.sentence.start))
        ]
        answer = extractive.render(phrase(language, "says"), evidence)
        if partial:
            answer += " " + phrase(language, "partial")
        return AnswerResult(question=question, answer=answer, language=language, refused=False, citations=citations, timings_ms=timings)

    def _choose(self, text: str, language: str, query: str, vector: np.ndarray, hits: list[Hit]) -> tuple[list[extractive.Evidence], bool]:
        """The sentences to quote, and whether they are confident enough to quote at all."""
        name = asked_name(text)
        if name is not None:
            evidence = self._about(name, query, vector, hits)
            return evidence, bool(evidence)
        if self.profile is None:
            evidence = extractive.choose_evidence(self.indexed, query, vector, hits, hub=self.hub, asked=text)
            return evidence, extractive.is_confident(evidence, self._threshold(language), self._penalty(text))
        evidence, floor_ok = self._learned(text, query, language, hits)
        return evidence, floor_ok and extractive.is_confident(evidence, self._threshold(language), self._penalty(text))

    def _both_halves(self, halves: tuple[str, str], language: str, turns: list[Message]) -> tuple[list[extractive.Evidence], bool, bool]:
        """Each half answered on its own; what either answers is quoted, once, and whether one half
        went unanswered. The second half is searched alone first, then together with the first
        ("and what is its aim?")."""
        first, second = halves
        attempts = [(0, first, retrieval_query(first, turns)), (1, second, second), (1, second, f"{first} {second}")]
        evidence: list[extractive.Evidence] = []
        answered_halves: set[int] = set()
        for (half, text, query), vector in zip(attempts, self.embedder.encode_queries([q for *_, q in attempts]), strict=True):
            if half in answered_halves:
                continue
            chosen, answered = self._choose(text, language, query, vector, self.retriever.retrieve(query, vector, self.settings.top_k))
            new = [e for e in chosen if all(e.sentence != x.sentence for x in evidence)]
            if answered and new:
                evidence += new
                answered_halves.add(half)
        return evidence, bool(evidence), len(answered_halves) == 1

    def _about(self, name: list[str], query: str, vector: np.ndarray, hits: list[Hit]) -> list[extractive.Evidence]:
        """'Who is X?': where the article names X; nothing when it never does."""
        if self._names is None:
            self._names = sentence_names(self.indexed)
        rows = mentions(self._names, name)
        if not rows:
            return []
        return extractive.about_name(self.indexed, extractive.rank(self.indexed, query, vector, hits, hub=self.hub), rows, vector)

    def _learned(self, text: str, query: str, language: str, hits) -> tuple[list[extractive.Evidence], bool]:
        """The learned ranker chooses; its probability must clear a floor, and the chosen sentence the
        same similarity confidence the default answerer refuses by (on XQuAD's threshold alone it
        refuses plain answerable questions, see docs/benchmarks.md)."""
        from assistant.learned import choose_evidence
        from assistant.ranking import question_view

        words = self.embedder.encode_question(query)
        choice = choose_evidence(self.profile, question_view(query, language, words.embedding, words, asked=text), hits, self.answer_model)
        by_paragraph = {h.paragraph: h for h in hits}
        # Candidates come only from retrieved paragraphs; the refusal test reads the first
        # sentence's confidence, so every quoted sentence carries the best one's.
        confidence = max(
            (
                extractive.similarity_confidence(
                    float(self.indexed.sentence_vectors[r] @ words.embedding), by_paragraph[self.indexed.sentences[r].paragraph]
                )
                for r in choice.rows
            ),
            default=0.0,
        )
        evidence = [extractive.Evidence(self.indexed.sentences[r], choice.probability, confidence) for r in choice.rows]
        return evidence, choice.probability >= self.settings.learned_floor

    def _summary(self, question: str, text: str, language: str, t0: float) -> AnswerResult:
        request = parse_request(text)
        chosen = key_sentences(self.indexed, request)
        parts = [
            (f"«{_one_line(k.sentence.text)}» [¶{k.sentence.paragraph}]", self._cite(k.sentence.paragraph, k.sentence.text, k.salience))
            for k in chosen
        ]
        backend, dropped, note = "extractive", [], ""
        if self.generator is not None and chosen:
            parts, dropped, backend, note = self._model_summary(chosen, parts, language, request.simple)
        quotes = [p for p, _ in parts]
        if request.one_paragraph:
            answer = f"{phrase(language, 'summary_one' if backend == 'extractive' else 'summary_model_one')} " + " ".join(quotes)
        elif backend != "extractive":
            answer = phrase(language, "summary_model").format(n=len(quotes)) + "\n" + "\n".join(f"• {q}" for q in quotes)
        else:
            frame = phrase(language, "summary_simple") if request.simple else phrase(language, "summary").format(n=len(chosen))
            answer = frame + "\n" + "\n".join(f"• {q}" for q in quotes)
        total = _ms(time.perf_counter() - t0)
        return AnswerResult(
            question=question,
            answer=answer,
            language=language,
            refused=not chosen,
            mode="summary",
            backend=backend,
            citations=[c for _, c in parts],
            unsupported=dropped,
            note=note,
            timings_ms=Timings(answer=total, total=total),
        )

    def _model_summary(self, chosen, quoted, language: str, simple: bool):
        """Section by section: the model writes one sentence per part, each verified against that
        part's paragraphs; a part whose sentence fails keeps its offline quote."""
        parts, dropped, failures = [], [], []
        for key, fallback in zip(chosen, quoted, strict=True):
            paragraphs = [p.number for p in self.article.paragraphs if p.section == key.section and p.is_body]
            verified, lost, failure = self.generator.summarize(self.article, paragraphs, language, simple)
            dropped += lost
            if verified is None:
                parts.append(fallback)
                failures.append(failure)
            else:
                parts.append((verified.text, verified.citation))
        label = model_label(self.settings)
        if len(failures) == len(chosen):
            return quoted, dropped, "extractive", f"{label}: {failures[0]}; quoting the article instead."
        note = (
            f"{label}: {len(failures)} of {len(chosen)} points could not be verified and are quoted from the article." if failures else ""
        )
        return parts, dropped, label, note

    def _check(self, question: str, text: str, language: str, t0: float) -> AnswerResult:
        claims = split_claims(text)
        if len(claims) > MAX_CLAIMS:
            raise QuestionError(f"{len(claims)} claims at once; the limit is {MAX_CLAIMS}. Split them into several checks.")
        checks = [self._judge(c) for c in claims]
        if len(checks) == 1:
            language = checks[0].language or language
        lines = []
        for n, c in enumerate(checks, 1):
            verdict = phrase(c.language or language, c.verdict)
            head = f"{n}. «{c.claim}» — {verdict}" if len(checks) > 1 else f"«{c.claim}» — {verdict}"
            quote = c.instead or (c.evidence[0] if c.evidence else None)
            if quote is not None:
                label = {"supported": ":", "contradicted": f". {phrase(language, 'instead')}"}.get(
                    c.verdict, f". {phrase(language, 'closest')}"
                )
                head += f"{label} «{_one_line(quote.quote)}» [¶{quote.paragraph}]"
            lines.append(head)
        lines.append(phrase(language, "check_method"))
        citations: dict[tuple[int, str], Citation] = {}
        for c in checks:
            for e in [*c.evidence, *([c.instead] if c.instead else [])]:
                citations.setdefault((e.paragraph, e.quote), e)
        total = _ms(time.perf_counter() - t0)
        return AnswerResult(
            question=question,
            answer="\n".join(lines),
            language=language,
            refused=False,
            mode="check",
            verdict=checks[0].verdict if len(checks) == 1 else None,
            citations=sorted(citations.values(), key=lambda c: (c.paragraph, c.text.find(c.quote))),
            claims=checks,
            timings_ms=Timings(answer=total, total=total),
        )

    def _judge(self, claim: str) -> ClaimCheck:
        """Offline comparison; with a model, the model's verdict over the closest sentences, its
        evidence held to real quotes and to the offline comparison."""
        offline = self.claims.check(claim, claim_language(claim, self.article.meta.language))
        if self.generator is None:
            return offline
        label = model_label(self.settings)
        # The model sees the sentences the offline comparison found decisive, then the closest ones.
        decisive = [*([offline.instead] if offline.instead else []), *offline.evidence]
        closest = list({c.quote: c for c in [*decisive, *self.claims.closest(claim)]}.values())
        verdict, cited, failure = self.generator.verdict(claim, closest)
        evidence = [c for c in closest if c.paragraph in cited]
        if verdict is None or (verdict != "not_in_article" and not evidence):
            why = failure or "its evidence is not among the sentences it was shown"
            return offline.model_copy(update={"reason": f"{offline.reason} ({label} {why}; offline verdict)"})
        method = f"{label} over the closest sentences; its evidence checked to be real quotes and against the offline comparison"
        if {verdict, offline.verdict} == {"supported", "contradicted"}:
            reason = f"{label} says {verdict}, the offline comparison says {offline.verdict}: {offline.reason}"
            return ClaimCheck(
                claim=claim,
                language=offline.language,
                verdict="not_verified",
                method=method,
                reason=reason,
                evidence=evidence or offline.evidence,
            )
        if verdict == "not_in_article":
            return ClaimCheck(
                claim=claim, language=offline.language, verdict=verdict, method=method, reason="no sentence says it", evidence=closest[:2]
            )
        instead = evidence[0] if verdict == "contradicted" else None
        return ClaimCheck(
            claim=claim,
            language=offline.language,
            verdict=verdict,
            method=method,
            reason=f"{label}: ¶{evidence[0].paragraph}",
            evidence=evidence,
            instead=instead,
        )

    def _cite(self, paragraph: int, quote: str, score: float) -> Citation:
        return Citation(paragraph=paragraph, text=self.article.paragraph(paragraph).text, quote=quote, score=round(score, 4))

    def _threshold(self, language: str) -> float:
        if language == self.article.meta.language:
            return self.settings.refuse_threshold or extractive.SAME_LANGUAGE_THRESHOLD
        return self.settings.refuse_threshold_cross or extractive.CROSS_LANGUAGE_THRESHOLD

    def _penalty(self, question: str) -> float:
        return extractive.UNKNOWN_ACRONYM_PENALTY if extractive.unknown_acronyms(question, self.vocabulary) else 0.0

    def _metadata_answer(self, question: str, language: str, meta, t0: float) -> AnswerResult:
        intent, para = meta
        quote = para.text if intent != "source" else (self.article.meta.source or para.text)
        answer = f"{phrase(language, 'meta_' + intent)} «{quote}» [¶{para.number}]"
        total = _ms(time.perf_counter() - t0)
        citation = Citation(paragraph=para.number, text=para.text, quote=quote, score=1.0)
        return AnswerResult(
            question=question,
            answer=answer,
            language=language,
            refused=False,
            citations=[citation],
            timings_ms=Timings(retrieve=0.0, answer=total, total=total),
        )


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


def _pieces(result: AnswerResult) -> Iterator[str | AnswerResult]:
    for piece in _CITATION_END.split(result.answer):
        if piece:
            yield piece
    yield result


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
