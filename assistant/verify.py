"""Verification of a model's answer: every sentence against the paragraphs it cites.

A sentence stays only when it cites a paragraph that was retrieved for this question and the claim
checker finds it supported by a sentence of that paragraph (multilingual similarity plus names,
numbers, months and negation). Everything else is dropped and listed, with the reason, in
`AnswerResult.unsupported`; nothing unverified reaches the reader."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.claims import ClaimChecker, claim_language
from assistant.models import Citation, Unsupported
from index.text import sentence_spans

# [¶3], [¶3][¶5], [¶3, ¶5], [3], (¶3): the forms models write.
_MARKER = re.compile(r"\[\s*¶?\s*\d+(?:\s*[,;]\s*¶?\s*\d+)*\s*\]|\(\s*¶\s*\d+(?:\s*[,;]\s*¶?\s*\d+)*\s*\)")
_LEADING_MARKERS = re.compile(rf"^(?:\s*(?:{_MARKER.pattern}))+")
# "Paris. [¶9] Then" -> "Paris [¶9]. Then": the marker belongs to the sentence it follows.
_TRAILING_MARKERS = re.compile(rf"([.!?…]+)((?:\s*(?:{_MARKER.pattern}))+)")


@dataclass
class Statement:
    text: str
    paragraphs: list[int] = field(default_factory=list)


@dataclass
class Verified:
    text: str  # the sentence with its verified [¶n] markers
    citation: Citation


def statements(answer: str) -> list[Statement]:
    """Sentences with the paragraph numbers cited in or right after them (a model often puts
    "[¶9]" after the full stop, where a sentence splitter starts the next sentence)."""
    out: list[Statement] = []
    answer = _TRAILING_MARKERS.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", answer)
    for span in sentence_spans(answer):
        text = span.text
        leading = _LEADING_MARKERS.match(text)
        if leading and out:
            out[-1].paragraphs += _numbers(leading.group(0))
            text = text[leading.end() :]
        numbers = _numbers(" ".join(_MARKER.findall(text)))
        clean = re.sub(r"\s+([.,;:!?…])", r"\1", " ".join(_MARKER.sub(" ", text).split()))
        if clean:
            out.append(Statement(clean, numbers))
        elif out:
            out[-1].paragraphs += numbers
    return out


def _numbers(markers: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", markers)]


class Verifier:
    def __init__(self, checker: ClaimChecker) -> None:
        self.checker = checker
        self.article = checker.indexed.article

    def verify(self, statement: Statement, retrieved: set[int]) -> Verified | Unsupported:
        cited = list(dict.fromkeys(statement.paragraphs))
        if not cited:
            return Unsupported(text=statement.text, paragraphs=[], reason="no citation")
        unknown = [n for n in cited if not 1 <= n <= len(self.article.paragraphs)]
        if unknown:
            return Unsupported(text=statement.text, paragraphs=cited, reason=f"cites ¶{unknown[0]}, which the article does not have")
        not_retrieved = [n for n in cited if n not in retrieved]
        if not_retrieved:
            return Unsupported(
                text=statement.text,
                paragraphs=cited,
                reason=f"cites ¶{not_retrieved[0]}, which was not among the paragraphs given to the model",
            )
        check = self.checker.check(statement.text, claim_language(statement.text, self.article.meta.language), only=set(cited))
        if check.verdict != "supported":
            return Unsupported(text=statement.text, paragraphs=cited, reason=f"{check.verdict.replace('_', ' ')}: {check.reason}")
        best = check.evidence[0]
        body, end = re.match(r"(.*?)([.!?…]*)$", statement.text, re.S).groups()
        return Verified(text=f"{body} [¶{best.paragraph}]{end}", citation=best)
