"""Claim checks without a language model: find the closest sentences, align the claim's words to
each one's with the embedding model's contextual word vectors, and compare what can be checked.

*supported*: one sentence has every checkable part of the claim (its names, numbers, dates) and
most of its other words, with no negation or opposite word between them. *contradicted*: a close
sentence has a different value where the claim has one (another name, number, date, the opposite
word, a negation); the article's sentence is shown instead. *not in the article*: nothing close.
Anything between is *not verified*, with the reason. Thresholds were fitted on XQuAD-derived claims
(bench/xquad_claims.py), never on the hand-written ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.checkable import Name, Parts, known_names, lexicon, name_key, opposites, parts, same_name, strip_preamble, words_of
from assistant.models import Citation, ClaimCheck
from index.embeddings import Embedder, WordVectors
from index.store import IndexedArticle, SentenceRef
from index.text import detect_language, fold, language_scores, normalize, stem, terms

METHOD = (
    "offline: closest sentences by multilingual embeddings; names, numbers, dates, negation and opposite words "
    "aligned word by word and compared"
)
CANDIDATES = 5
OVERLAP_WEIGHT = 0.1
MAX_CLAIMS = 20
# A claim word is found in a sentence when its contextual vector is this close to one of the
# sentence's words (translations meet at ~0.85-0.95, unrelated words at ~0.65-0.80).
ALIGN_NAME = 0.82
ALIGN_WORD = 0.77
# Below this margin between Ukrainian and Russian the detector cannot tell; the article's language decides.
AMBIGUOUS_UK_RU = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds: fitted on all four folds of bench/xquad_claims.py (2,291 claims), never
    on the hand-written claims; docs/benchmarks.md has the held-out figures."""

    support_similarity: float = 0.87
    support_coverage: float = 0.8
    contradict_similarity: float = 0.78
    contradict_coverage: float = 0.7
    related_similarity: float = 0.84
    margin: float = 0.0
    same_name: float = 0.88  # a name aligned to another spelling this closely is the same name
    support_weakest: float = 0.0  # every meaningful word of a supported claim aligns at least this well


DEFAULT_THRESHOLDS = Thresholds()


@dataclass
class Conflict:
    kind: str  # name | number | date | negation | antonym
    claim: str
    article: str
    closeness: float = 0.0  # for a name: how close the two names' vectors are
    # For a name: the article mentions the claim's name somewhere (a swap puts in a name of the same
    # article); one it never mentions may be a spelling or translation the checker cannot confirm.
    attested: bool = True


@dataclass
class Assessment:
    """One sentence of the article, compared with the claim."""

    row: int
    sentence: SentenceRef
    similarity: float
    coverage: float  # how well the claim's other meaningful words align to the sentence's (mean of best cosines; 1 = same word)
    all_conflicts: list[Conflict] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # those that count under the thresholds (set by `decide`)
    weakest: float = 1.0  # the claim's least well aligned meaningful word
    missing: list[str] = field(default_factory=list)  # checkable parts with no counterpart at all
    unsure: list[str] = field(default_factory=list)  # names that may or may not be the sentence's (set by `decide`)
    uncovered: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.similarity + OVERLAP_WEIGHT * self.coverage


def split_claims(text: str) -> list[str]:
    """One claim per line; bullets and numbering are not part of a claim."""
    lines = [re.sub(r"^\s*(?:[-*•–]|\d+[.)])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def claim_language(text: str, article_language: str) -> str:
    """The claim's language; Cyrillic that could be either Ukrainian or Russian ("Казахстан
    вступить до НАТО") is taken to be in the article's language."""
    language = detect_language(text)
    letters = set(text.lower())
    if language in ("uk", "ru") and article_language in ("uk", "ru") and not letters & set("іїєґыэъё"):
        scores = language_scores(text)
        if abs(scores.get("uk", 0.0) - scores.get("ru", 0.0)) < AMBIGUOUS_UK_RU:
            return article_language
    return language


def decide(assessments: list[Assessment], th: Thresholds) -> tuple[str, Assessment, str, dict[str, str]]:
    """The verdict, the sentence it rests on, and the reason (a key of the language file's
    `reasons` and its values)."""
    ranked = sorted(assessments, key=lambda a: -a.score)
    for a in ranked:
        same = [c for c in a.all_conflicts if c.kind == "name" and c.closeness >= th.same_name]
        a.conflicts = [c for c in a.all_conflicts if c not in same and c.attested]
        a.unsure = [c.claim for c in a.all_conflicts if c not in same and not c.attested]
    contra = [a for a in ranked if a.conflicts and a.similarity >= th.contradict_similarity and a.coverage >= th.contradict_coverage]
    clean = [
        a
        for a in ranked
        if not a.conflicts
        and not a.missing
        and not a.unsure
        and a.similarity >= th.support_similarity
        and a.coverage >= th.support_coverage
        and a.weakest >= th.support_weakest
    ]
    # A contradiction comes from the sentence the claim is closest to: not from a farther one while a
    # closer sentence differs in nothing ("Paris"/"Астані" in the next paragraph).
    agreeing = max((a.score for a in ranked if not a.conflicts and not a.missing and not a.unsure), default=0.0)
    if contra and contra[0].score >= agreeing:
        c = contra[0].conflicts[0]
        return "contradicted", contra[0], f"contradicted_{c.kind}", {"claim": c.claim, "article": c.article}
    if clean:
        if any(a.score >= clean[0].score - th.margin for a in contra):
            return "not_verified", clean[0], "conflict", {}
        return "supported", clean[0], "supported", {}
    best = ranked[0]
    if best.similarity >= th.related_similarity:
        if best.missing or best.unsure:
            return "not_verified", best, "missing", {"parts": ", ".join(best.missing + best.unsure)}
        if best.conflicts:
            c = best.conflicts[0]
            return "not_verified", best, "missing", {"parts": c.claim}
        if best.uncovered:
            return "not_verified", best, "uncovered", {"parts": ", ".join(best.uncovered)}
        return "not_verified", best, "weak", {}
    return "not_in_article", best, "absent", {}


class ClaimChecker:
    def __init__(self, indexed: IndexedArticle, embedder: Embedder, thresholds: Thresholds | None = None) -> None:
        self.indexed = indexed
        self.embedder = embedder
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        article = indexed.article
        self.language = article.meta.language
        self.known = known_names("\n".join(p.text for p in article.paragraphs))
        searchable = {p.number for p in article.paragraphs if p.kind not in ("title", "meta")}
        self.rows = np.array([i for i, s in enumerate(indexed.sentences) if s.paragraph in searchable], dtype=int)
        self._words: dict[int, WordVectors] = {}
        self._parts: dict[int, Parts] = {}
        self._mentioned: dict[tuple[str, ...], bool] = {}
        self._paragraph_names: dict[int, set[str]] = {}
        self._terms = [set(terms(s.text)) for s in indexed.sentences]

    def check(self, claim: str, language: str, only: set[int] | None = None) -> ClaimCheck:
        """`only`: judge against these paragraphs alone (a model's sentence and what it cites)."""
        reasons = lexicon(language).reasons
        assessments = self.assess(claim, language, only)
        if not assessments:
            return ClaimCheck(claim=claim, verdict="not_in_article", method=METHOD, reason=reasons["empty"], language=language)
        verdict, best, key, values = decide(assessments, self.thresholds)
        if key == "contradicted_negation":
            values = {k: reasons["negative" if v else "positive"] for k, v in values.items()}
        reason = reasons[key].format(**values)
        if verdict in ("supported", "contradicted"):
            evidence = [self._citation(best)]
        else:
            evidence = [self._citation(a) for a in sorted(assessments, key=lambda a: -a.score)[:2]]
        instead = self._citation(best) if verdict == "contradicted" else None
        return ClaimCheck(claim=claim, verdict=verdict, method=METHOD, reason=reason, evidence=evidence, instead=instead, language=language)

    def closest(self, claim: str, k: int = 4) -> list[Citation]:
        """The sentences a judge (a model) should see for this claim, best first."""
        rows = self._ranked(strip_preamble(claim), None)[:k]
        return [self._citation_row(r, s) for r, s in rows]

    def assess(self, claim: str, language: str, only: set[int] | None = None) -> list[Assessment]:
        """The closest sentences, each compared with the claim."""
        core = strip_preamble(claim)
        claim_words = self.embedder.word_vectors([core])[0]  # first: its pass also gives the claim's vector
        ranked = self._ranked(core, only)[:CANDIDATES]
        if not ranked:
            return []
        claim_parts = parts(core, language, self.known)
        self.prepare([r for r, _ in ranked])
        same = language == self.language
        return [self._compare(core, claim_parts, claim_words, r, sim, same) for r, sim in ranked]

    def _ranked(self, core: str, only: set[int] | None) -> list[tuple[int, float]]:
        rows = self.rows if only is None else np.array([i for i, s in enumerate(self.indexed.sentences) if s.paragraph in only], dtype=int)
        if not len(rows):
            return []
        vector = self.embedder.encode_queries([core])[0]
        sims = self.indexed.sentence_vectors[rows] @ vector
        claim_terms = {t for t in terms(core) if len(t) > 2}
        overlap = np.array([len(claim_terms & self._terms[r]) / len(claim_terms) if claim_terms else 0.0 for r in rows])
        order = np.argsort(-(sims + OVERLAP_WEIGHT * overlap))
        return [(int(rows[i]), float(sims[i])) for i in order]

    def prepare(self, rows: list[int] | None = None) -> None:
        """Word vectors and checkable parts of these sentences (all when None), computed once."""
        rows = [int(r) for r in self.rows] if rows is None else rows
        missing = [r for r in rows if r not in self._words]
        if missing:
            texts = [self.indexed.sentences[r].text for r in missing]
            for r, wv in zip(missing, self.embedder.word_vectors(texts, passage=True), strict=True):
                self._words[r] = wv
        for r in rows:
            if r not in self._parts:
                self._parts[r] = parts(self.indexed.sentences[r].text, self.language, self.known)

    def _compare(self, core: str, claim: Parts, cw: WordVectors, row: int, similarity: float, same: bool) -> Assessment:
        sentence = self.indexed.sentences[row]
        said = self._parts[row]
        sw = self._words[row]
        text = sentence.text
        cos = cw.vectors @ sw.vectors.T if len(cw.spans) and len(sw.spans) else np.zeros((len(cw.spans), len(sw.spans)))

        def best(start: int, end: int) -> tuple[int, float]:
            """The sentence word the claim's span aligns to best, and how well."""
            idx = [i for i, (a, b) in enumerate(cw.spans) if a < end and b > start]
            if not idx or not cos.shape[1]:
                return -1, 0.0
            sims = cos[idx].max(axis=0)
            j = int(np.argmax(sims))
            return j, float(sims[j])

        def inside(j: int, start: int, end: int) -> bool:
            return j >= 0 and start <= sw.spans[j][0] and sw.spans[j][1] <= end

        out = Assessment(row, sentence, similarity, 1.0)
        sentence_keys = [name_key(w) for w, _, _ in words_of(text)]
        matched_names: set[int] = set()
        pronoun = any(normalize(w) in lexicon(self.language).pronouns for w, _, _ in words_of(text))
        paragraph_keys = self._paragraph_keys(sentence.paragraph) if pronoun else set()
        for n in claim.names:
            hit = [i for i, sn in enumerate(said.names) if _name_meets(n, sn)]
            if hit:
                matched_names.update(hit)
                continue
            if any(same_name(k, x, loose=False) for k in n.keys for x in paragraph_keys):
                continue  # "він зустрівся..." in a paragraph about Tokayev: the sentence says him
            j, c = best(n.start, n.end)
            others = [i for i, sn in enumerate(said.names) if i not in matched_names and not any(_name_meets(cn, sn) for cn in claim.names)]
            rival = next((i for i in others if inside(j, said.names[i].start, said.names[i].end)), None)
            if rival is not None:
                # It aligns into another name: the same one spelled past recognition ("Wales"/"Уэльсе")
                # when the vectors all but coincide (`Thresholds.same_name`), else someone else in the
                # same place ("Газпрому"/"Нафтогазу").
                matched_names.add(rival)
                out.all_conflicts.append(Conflict("name", n.surface, said.names[rival].surface, c, self._in_article(n)))
                continue
            if any(same_name(k, sk, loose=False) for k in n.keys for sk in sentence_keys if len(sk) > 3) or c >= ALIGN_NAME:
                continue
            if c < ALIGN_WORD or others:
                out.missing.append(n.surface)
            # else: nothing else stands where it aligns ("Greens" / "зелёные"): a word like any other
        claim_values = set().union(*(x.values for x in claim.numbers)) if claim.numbers else set()
        for x in claim.numbers:
            if any(x.values & y.values for y in said.numbers):
                continue
            rivals = [y for y in said.numbers if y.kind == x.kind and not (y.values & claim_values)]
            j, _ = best(x.start, x.end)
            rival = next((y for y in rivals if inside(j, y.start, y.end)), None)
            if rival is not None:  # the claim's number aligns to another one: "543" where the sentence has "534"
                out.all_conflicts.append(Conflict(x.kind, x.surface, rival.surface))
            else:
                out.missing.append(x.surface)
        claim_months = {m for _, m, _, _ in claim.months}
        for surface, month, _, _ in claim.months:
            if any(month == m for _, m, _, _ in said.months):
                continue
            rivals = [s for s, m, _, _ in said.months if m not in claim_months]
            if rivals:
                out.all_conflicts.append(Conflict("date", surface, rivals[0]))
            else:
                out.missing.append(surface)
        # A negation counts where what it negates is what the claim and the sentence share
        # ("не запрошували" / "invited"), not in a clause the claim does not touch.
        claim_neg = [w for w, a, b in claim.negations if best(a, b)[1] >= ALIGN_WORD]
        said_neg = [w for w, a, b in said.negations if _aligned_to(cos, sw.spans, a, b) >= ALIGN_WORD]
        if claim_neg and not said_neg:
            out.all_conflicts.append(Conflict("negation", claim_neg[0], ""))
        elif said_neg and not claim_neg:
            out.all_conflicts.append(Conflict("negation", "", said_neg[0]))
        flip = opposites()
        for concept, word in claim.concepts.items():
            other = flip.get(concept)
            if other and other in said.concepts and concept not in said.concepts:
                out.all_conflicts.append(Conflict("antonym", word, said.concepts[other]))
            elif concept not in said.concepts:
                out.missing.append(word)  # "lost" must meet a word for losing, not just a word near it
        sentence_terms = self._terms[row]
        found = []
        for word, start, end in claim.content:
            lexical = same and stem(fold(normalize(word))) in sentence_terms
            closeness = 1.0 if lexical else best(start, end)[1]
            found.append(closeness)
            if closeness < ALIGN_WORD:
                out.uncovered.append(word)
        out.coverage = float(np.mean(found)) if found else 1.0
        out.weakest = float(min(found)) if found else 1.0
        return out

    def _paragraph_keys(self, number: int) -> set[str]:
        if number not in self._paragraph_names:
            self._paragraph_names[number] = {name_key(w) for w, _, _ in words_of(self.indexed.article.paragraph(number).text) if len(w) > 2}
        return self._paragraph_names[number]

    def _in_article(self, n: Name) -> bool:
        """Whether the article mentions this name anywhere: a swap puts in a name of the same article."""
        key = tuple(n.keys)
        if key not in self._mentioned:
            self._mentioned[key] = any(same_name(k, x) for k in n.keys for x in self.known if len(x) > 2)
        return self._mentioned[key]

    def _citation(self, a: Assessment) -> Citation:
        return self._citation_row(a.row, a.similarity)

    def _citation_row(self, row: int, similarity: float) -> Citation:
        s = self.indexed.sentences[row]
        text = self.indexed.article.paragraph(s.paragraph).text
        return Citation(paragraph=s.paragraph, text=text, quote=s.text, score=round(similarity, 4))


def _aligned_to(cos: np.ndarray, spans: list[tuple[int, int]], start: int, end: int) -> float:
    """How well the sentence's words in this span align to any word of the claim."""
    idx = [j for j, (a, b) in enumerate(spans) if a < end and b > start]
    return float(cos[:, idx].max()) if idx and cos.shape[0] else 0.0


def _name_meets(a: Name, b: Name) -> bool:
    return any(same_name(x, y) for x in a.keys for y in b.keys)
