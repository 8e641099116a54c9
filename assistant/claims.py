"""Claim checks without a language model: find the closest sentences, then compare the claim's
checkable parts (names, numbers, months, negation) with them.

A claim is *supported* when a sentence says the same and nothing checkable differs; *contradicted*
when a sentence is about the same thing and exactly one checkable part differs (Berlin for Paris,
50 for 25, March for October, "recognised" for "refused to recognise"); *not in the article* when
nothing close enough exists or the claim differs in more than one part (then it is about something
else). Between those bands the verdict is *not verified*, with the closest evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.checkable import Checkable, checkable, known_names, mentions, name_keys, strip_preamble
from assistant.models import Citation, ClaimCheck
from index.embeddings import Embedder
from index.store import IndexedArticle, SentenceRef
from index.text import terms

METHOD = "offline: closest sentences by multilingual embeddings; names, numbers, months and negation compared"
# Similarity of the claim to its best sentence, calibrated on bench/data/claims.jsonl and the
# development claims (docs/benchmarks.md): same language as the article, and across languages.
SUPPORT = {"same": 0.90, "cross": 0.85}
CONTRADICT = {"same": 0.88, "cross": 0.85}
MIN_SAME_LANGUAGE_OVERLAP = 0.4
ANCHORED_CROSS_SUPPORT = 0.81
COMMON_SHARE = 1 / 3
CONFLICT_MARGIN = 0.03
NOT_IN_ARTICLE = {"same": 0.87, "cross": 0.83}
CANDIDATES = 6
OVERLAP_WEIGHT = 0.1
MAX_REPLACEMENTS = 6
MAX_CLAIMS = 20


@dataclass
class Difference:
    kind: str  # name | number | date | negation
    claim_part: str
    article_part: str
    replacements: list[str] = field(default_factory=list)


@dataclass
class Candidate:
    sentence: SentenceRef
    row: int
    similarity: float
    overlap: float  # share of the claim's words other than names that the sentence has
    differences: list[Difference]
    anchors: int = 0  # the claim's names that the sentence's paragraph (or its section) mentions
    core: str = ""
    sentence_anchors: int = 0  # the claim's names in the quoted sentence itself
    rare_anchors: int = 0  # anchors that few paragraphs mention (not the story's protagonists)
    names: int = 0  # name groups in the claim
    corrected: float = 0.0  # score once the one differing part takes the article's value

    @property
    def score(self) -> float:
        return self.similarity + OVERLAP_WEIGHT * self.overlap

    def can_contradict(self, band: str) -> bool:
        """One difference, and the rest of the claim pinned to this passage: a different place
        needs two names that agree ("Tokayev", "Macron"), a number, date or negation one. A claim
        that names nobody ("The mayor said 400 volunteers...") is pinned by wording alone."""
        if len(self.differences) != 1:
            return False
        d = self.differences[0]
        if d.kind != "negation" and not d.replacements:
            return False
        if d.kind != "name" and self.names == 0 and self.score >= SUPPORT[band]:
            return True
        return self.anchors >= (2 if d.kind == "name" else 1)


def split_claims(text: str) -> list[str]:
    """One claim per line; bullets and numbering are not part of a claim."""
    lines = [re.sub(r"^\s*(?:[-*•–]|\d+[.)])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


class ClaimChecker:
    def __init__(self, indexed: IndexedArticle, embedder: Embedder) -> None:
        self.indexed = indexed
        self.embedder = embedder
        article = indexed.article
        self.language = article.meta.language
        self.known = known_names("\n".join(p.text for p in article.paragraphs))
        # A paragraph under "Relations of Kazakhstan and Russia" is about Kazakhstan even where it says "he".
        self.paragraph_keys = {p.number: name_keys(f"{p.section or ''} {p.text}") for p in article.paragraphs}
        self.paragraph_parts = {p.number: checkable(p.text, self.known) for p in article.paragraphs}
        # Names most paragraphs mention (Kazakhstan, Russia, Tokayev here) say little about which passage a claim is from.
        body = [keys for n, keys in self.paragraph_keys.items() if article.paragraph(n).kind in ("body", "list_item")]
        self.common = {k for k in set().union(*body) if sum(k in keys for keys in body) > len(body) * COMMON_SHARE} if body else set()
        searchable = {p.number for p in article.paragraphs if p.kind not in ("title", "meta")}
        self.rows = np.array([i for i, s in enumerate(indexed.sentences) if s.paragraph in searchable], dtype=int)

    def check(self, claim: str, language: str, only: set[int] | None = None) -> ClaimCheck:
        """`only`: judge against these paragraphs alone (a model's sentence and what it cites)."""
        band = "same" if language == self.language else "cross"
        candidates = self._candidates(strip_preamble(claim), only)
        if not candidates:
            return ClaimCheck(claim=claim, verdict="not_in_article", method=METHOD, reason="the article has no text to compare")
        verdict, best, reason = self._decide(candidates, band)
        if verdict in ("supported", "contradicted"):
            evidence = [self._citation(best)]
        else:
            evidence = [self._citation(c) for c in sorted(candidates, key=lambda c: -c.score)[:2]]
        instead = self._citation(best) if verdict == "contradicted" else None
        return ClaimCheck(claim=claim, verdict=verdict, method=METHOD, reason=reason, evidence=evidence, instead=instead)

    def closest(self, claim: str, k: int = 4) -> list[Citation]:
        """The sentences a judge (a model) should see for this claim, best first."""
        candidates = sorted(self._candidates(strip_preamble(claim)), key=lambda c: -c.score)
        return [self._citation(c) for c in candidates[:k]]

    def _decide(self, candidates: list[Candidate], band: str) -> tuple[str, Candidate, str]:
        # In the article's own language a supporting sentence also shares most of the claim's words:
        # "Kazakhstan supplies weapons to Ukraine" is close to "Kazakhstan hopes Ukraine wins", but not in words.
        agreeing = [c for c in candidates if not c.differences and (band == "cross" or c.overlap >= MIN_SAME_LANGUAGE_OVERLAP)]
        best_agreeing = max(agreeing, key=lambda c: c.score, default=None)
        differing = [c for c in candidates if c.can_contradict(band)]
        self._correct(differing)
        contradicting = [c for c in differing if c.corrected >= self._contradict_threshold(c, band)]
        best_differing = max(contradicting or differing, key=lambda c: (c in contradicting, c.sentence_anchors, c.corrected), default=None)
        support = best_agreeing.score if best_agreeing is not None else 0.0
        if best_differing in contradicting and best_differing.corrected > support:
            return "contradicted", best_differing, _describe(best_differing.differences[0])
        if best_agreeing is not None and support >= self._support_threshold(best_agreeing, band):
            conflict = [
                c
                for c in differing
                if c.differences[0].kind == "negation"
                and c.sentence.paragraph == best_agreeing.sentence.paragraph
                and c.corrected >= support - CONFLICT_MARGIN
            ]
            if conflict:
                return "not_verified", conflict[0], "one sentence of the passage agrees and another says the opposite"
            return "supported", best_agreeing, "a sentence says the same and no name, number, date or negation differs"
        related = [c for c in candidates if not c.differences]
        if related and max(c.score for c in related) >= NOT_IN_ARTICLE[band]:
            best = max(related, key=lambda c: c.score)
            return "not_verified", best, "the closest sentence is related, but does not say enough to confirm the claim"
        if best_differing is not None and best_differing.corrected >= NOT_IN_ARTICLE[band]:
            d = best_differing.differences[0]
            return "not_verified", best_differing, f"the closest sentence differs ({_describe(d)}) but may be about something else"
        best = max(candidates, key=lambda c: c.score)
        return "not_in_article", best, "no sentence of the article says this"

    @staticmethod
    def _support_threshold(c: Candidate, band: str) -> float:
        """Across languages similarities run lower; two or more of the claim's names found in the
        passage, and nothing checkable differing, is lexical evidence the embedding lacks."""
        if band == "cross" and c.rare_anchors >= 2:
            return ANCHORED_CROSS_SUPPORT
        return SUPPORT[band]

    @staticmethod
    def _contradict_threshold(c: Candidate, band: str) -> float:
        if band == "cross" and c.sentence_anchors >= 1:
            return ANCHORED_CROSS_SUPPORT
        return CONTRADICT[band]

    def _candidates(self, core: str, only: set[int] | None = None) -> list[Candidate]:
        rows = self.rows if only is None else np.array([i for i, s in enumerate(self.indexed.sentences) if s.paragraph in only], dtype=int)
        if not len(rows):
            return []
        vector = self.embedder.encode_queries([core])[0]
        sims = self.indexed.sentence_vectors[rows] @ vector
        parts = checkable(core, self.known)
        name_terms = {t for surface, _ in parts.names for t in terms(surface)}
        claim_terms = {t for t in terms(core) if len(t) > 2} - name_terms
        overlaps = np.array([_overlap(claim_terms, self.indexed.sentences[r].text) for r in rows])
        ranking = sims + OVERLAP_WEIGHT * overlaps
        out = []
        for i in np.argsort(-ranking)[:CANDIDATES]:
            row = int(rows[i])
            sentence = self.indexed.sentences[row]
            keys = self.paragraph_keys[sentence.paragraph]
            anchors = sum(mentions(keys, group) for _, group in parts.names)
            in_sentence = name_keys(sentence.text)
            direct = sum(mentions(in_sentence, group) for _, group in parts.names)
            diffs = self._differences(parts, sentence)
            rare = sum(mentions(keys, group) and not set(group) <= self.common for _, group in parts.names)
            out.append(
                Candidate(sentence, row, float(sims[i]), float(overlaps[i]), diffs, anchors, core, direct, rare, names=len(parts.names))
            )
        return out

    def _differences(self, claim: Checkable, sentence: SentenceRef) -> list[Difference]:
        """What the claim has that the passage lacks. The article's competing value (the place,
        number or month to offer instead) must be in the quoted sentence itself, never elsewhere
        in its paragraph: it is what the citation will show."""
        keys = self.paragraph_keys[sentence.paragraph]
        para = self.paragraph_parts[sentence.paragraph]
        said = checkable(sentence.text, self.known)
        diffs: list[Difference] = []
        for surface, group in claim.names:
            if not mentions(keys, group):
                others = [s for s, g in said.names if not any(mentions(set(g), cg) for _, cg in claim.names)]
                diffs.append(Difference("name", surface, ", ".join(others), others))
        missing_numbers = claim.numbers - para.numbers
        if missing_numbers:
            shown = ", ".join(_number(n) for n in sorted(missing_numbers))
            values = [_number(n) for n in sorted(said.numbers)]
            diffs.append(Difference("number", shown, ", ".join(values), values))
        missing_months = claim.months - para.months
        if missing_months:
            diffs.append(Difference("date", _month_names(missing_months), _month_names(said.months), said.month_words))
        if claim.negated != said.negated:
            diffs.append(Difference("negation", "negative" if claim.negated else "positive", "negative" if said.negated else "positive"))
        return diffs

    def _correct(self, candidates: list[Candidate]) -> None:
        """Set each candidate's `corrected`: the claim with its differing part set to the article's
        value. "Tokayev met Macron in Парижі" is what the Paris sentence says; "Kazakhstan signed a
        gas deal with Європою" is not. A negation cannot be swapped; embeddings barely see it, so
        the claim stands as it is. All candidates share two model calls: under load each call waits
        its turn."""
        swaps: dict[int, tuple[str, list[str]]] = {}
        for i, c in enumerate(candidates):
            d = c.differences[0]
            if d.kind == "negation":
                c.corrected = c.score
                continue
            old = self._differing_text(c)
            c.corrected = 0.0
            if old and d.replacements:
                swaps[i] = (old, d.replacements)
        # Only the article's name most like the claim's ("Франції" for "Berlin", not "Сі"): swapping in any name fits too well.
        choose = {
            i: candidates[i].differences[0].claim_part
            for i, (_, new) in swaps.items()
            if candidates[i].differences[0].kind == "name" and len(new) > 1
        }
        if choose:
            words = list(dict.fromkeys(w for i, part in choose.items() for w in (part, *swaps[i][1])))
            vectors = dict(zip(words, self.embedder.encode_queries(words), strict=True))
            for i, part in choose.items():
                old, new = swaps[i]
                sims = np.array([vectors[w] @ vectors[part] for w in new])
                swaps[i] = (old, [new[int(np.argmax(sims))]])
        variants = {i: [candidates[i].core.replace(old, new, 1) for new in news[:MAX_REPLACEMENTS]] for i, (old, news) in swaps.items()}
        texts = list(dict.fromkeys(v for vs in variants.values() for v in vs))
        if not texts:
            return
        vectors = dict(zip(texts, self.embedder.encode_queries(texts), strict=True))
        for i, vs in variants.items():
            c = candidates[i]
            sims = np.array([vectors[v] for v in vs]) @ self.indexed.sentence_vectors[c.row]
            c.corrected = float(sims.max()) + OVERLAP_WEIGHT * c.overlap

    def _differing_text(self, c: Candidate) -> str | None:
        """The words of the claim that carry its differing name, number or month."""
        d = c.differences[0]
        parts = checkable(c.core, self.known)
        if d.kind == "name":
            old = [s for s, _ in parts.names if s == d.claim_part]
        elif d.kind == "number":
            old = [
                m.group(0)
                for m in re.finditer(r"\d+(?:[.,]\d+)?", c.core)
                if _number(float(m.group(0).replace(",", "."))) in d.claim_part.split(", ")
            ]
        else:
            old = parts.month_words
        return old[0] if old else None

    def _citation(self, c: Candidate) -> Citation:
        text = self.indexed.article.paragraph(c.sentence.paragraph).text
        return Citation(paragraph=c.sentence.paragraph, text=text, quote=c.sentence.text, score=round(c.similarity, 4))


def _overlap(claim_terms: set[str], sentence: str) -> float:
    if not claim_terms:
        return 0.0
    return len(claim_terms & set(terms(sentence))) / len(claim_terms)


def _describe(d: Difference) -> str:
    if d.kind == "negation":
        return f"the claim is {d.claim_part}, the article's sentence is {d.article_part}"
    return f"{d.kind}: the claim has {d.claim_part}, the article's sentence has {d.article_part or 'nothing of the kind'}"


def _number(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def _month_names(months: set[int]) -> str:
    return ", ".join(_MONTH_NAMES[m - 1] for m in sorted(months))
