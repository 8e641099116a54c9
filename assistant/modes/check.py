"""Mode `check`: each claim (one per line) compared with the closest sentences of the article;
with a language model, the model's verdict, held to real quotes and to the offline comparison."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims import MAX_CLAIMS, claim_language, split_claims
from assistant.llm import model_label
from assistant.models import AnswerResult, Citation, ClaimCheck, QuestionError, Timings
from assistant.modes.base import ArticleParts, Request, elapsed_ms, pieces
from assistant.phrases import phrase, quoted


class CheckMode:
    def __init__(self, parts: ArticleParts) -> None:
        self.parts = parts

    def stream(self, request: Request) -> Iterator[str | AnswerResult]:
        yield from pieces(self._check(request))

    def _check(self, request: Request) -> AnswerResult:
        claims = split_claims(request.text)
        if len(claims) > MAX_CLAIMS:
            raise QuestionError(f"{len(claims)} claims at once; the limit is {MAX_CLAIMS}. Split them into several checks.")
        checks = [self._judge(c) for c in claims]
        language = request.language
        if len(checks) == 1:  # one claim: the verdict speaks the claim's language
            language = checks[0].language or language
        lines = [_line(n, c, len(checks), language) for n, c in enumerate(checks, 1)]
        lines.append(phrase(language, "check_method"))
        citations: dict[tuple[int, str], Citation] = {}
        for c in checks:
            for e in [*c.evidence, *([c.instead] if c.instead else [])]:
                citations.setdefault((e.paragraph, e.quote), e)
        total = elapsed_ms(request.started)
        return AnswerResult(
            question=request.question,
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
        checker = self.parts.claims
        offline = checker.check(claim, claim_language(claim, self.parts.article.meta.language))
        if self.parts.generator is None:
            return offline
        label = model_label(self.parts.settings)
        # The model sees the sentences the offline comparison found decisive, then the closest ones.
        decisive = [*([offline.instead] if offline.instead else []), *offline.evidence]
        closest = list({c.quote: c for c in [*decisive, *checker.closest(claim)]}.values())
        said = self.parts.generator.verdict(claim, closest)
        evidence = [c for c in closest if c.paragraph in said.cited]
        if said.verdict is None or (said.verdict != "not_in_article" and not evidence):
            why = said.failure or "its evidence is not among the sentences it was shown"
            return offline.model_copy(update={"reason": f"{offline.reason} ({label} {why}; offline verdict)"})
        method = f"{label} over the closest sentences; its evidence checked to be real quotes and against the offline comparison"
        if {said.verdict, offline.verdict} == {"supported", "contradicted"}:
            reason = f"{label} says {said.verdict}, the offline comparison says {offline.verdict}: {offline.reason}"
            return ClaimCheck(
                claim=claim,
                language=offline.language,
                verdict="not_verified",
                method=method,
                reason=reason,
                evidence=evidence or offline.evidence,
            )
        if said.verdict == "not_in_article":
            return ClaimCheck(
                claim=claim,
                language=offline.language,
                verdict="not_in_article",
                method=method,
                reason="no sentence says it",
                evidence=closest[:2],
            )
        return ClaimCheck(
            claim=claim,
            language=offline.language,
            verdict=said.verdict,
            method=method,
            reason=f"{label}: ¶{evidence[0].paragraph}",
            evidence=evidence,
            instead=evidence[0] if said.verdict == "contradicted" else None,
        )


def _line(n: int, check: ClaimCheck, count: int, language: str) -> str:
    """`N. «claim» — verdict: «quote» [¶n]`, the number only when several claims were checked."""
    verdict = phrase(check.language or language, check.verdict)
    head = f"{n}. «{check.claim}» — {verdict}" if count > 1 else f"«{check.claim}» — {verdict}"
    quote = check.instead or (check.evidence[0] if check.evidence else None)
    if quote is None:
        return head
    label = {"supported": ":", "contradicted": f". {phrase(language, 'instead')}"}.get(check.verdict, f". {phrase(language, 'closest')}")
    return head + f"{label} {quoted(quote.quote, quote.paragraph)}"
