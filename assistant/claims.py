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

from assistant.checkable import Name, Number, Parts, known_names, lexicon, name_key, opposites, parts, same_name, strip_preamble, words_of
from assistant.models import Citation, ClaimCheck
from index.embeddings import Embedder, WordVectors
from index.similarity import word_alignment
from index.store import IndexedArticle, SentenceRef
from index.text import detect_language, fold, key_terms, lemma, normalize, stem, term_overlap, uk_ru_evidence

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
# Within one language every word sits close to every other ("охороняють" / "ставляться"): there a
# word is found by its stem or lemma, or by a near-identical vector.
ALIGN_SAME_LANGUAGE = 0.9
_PERCENT = re.compile(r"\s*(?:%|per ?cent|відсот|процент)", re.IGNORECASE)


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds: fitted on all four folds of bench/xquad_claims.py (2,291 claims), never
    on the hand-written claims; docs/benchmarks.md has the held-out figures."""

    support_similarity: float = 0.80  # fixed, not fitted: see bench/xquad_claims.py GRID
    support_coverage: float = 0.8
    contradict_similarity: float = 0.78
    contradict_coverage: float = 0.74
    related_similarity: float = 0.84
    margin: float = 0.0
    same_name: float = 0.86  # a name aligned to another spelling this closely is the same name
    support_weakest: float = 0.0  # every meaningful word of a supported claim aligns at least this well
    pinned_similarity: float = 0.8  # a farther sentence missing a part of the claim contradicts it only this close


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
    vague: list[str] = field(default_factory=list)  # those of `missing` that are concept words ("after", "first", "won"), not facts
    never: list[str] = field(default_factory=list)  # names and numbers the whole article never has
    unsure: list[str] = field(default_factory=list)  # names that may or may not be the sentence's (set by `decide`)
    uncovered: list[str] = field(default_factory=list)
    same_script: bool = False  # claim and sentence both Cyrillic (or Latin): every word must be there

    @property
    def score(self) -> float:
        return self.similarity + OVERLAP_WEIGHT * self.coverage


def split_claims(text: str) -> list[str]:
    """One claim per line; bullets and numbering are not part of a claim."""
    lines = [re.sub(r"^\s*(?:[-*•–]|\d+[.)])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def claim_language(text: str, article_language: str) -> str:
    """The claim's language; Cyrillic that reads as Ukrainian and Russian alike ("Казахстан
    вступить до НАТО") is taken to be in the article's language."""
    language = detect_language(text)
    if language in ("uk", "ru") and article_language in ("uk", "ru"):
        uk, ru = uk_ru_evidence(text)
        if uk == ru:
            return article_language
    return language


def decide(assessments: list[Assessment], th: Thresholds) -> tuple[str, Assessment, str, dict[str, str]]:
    """The verdict, the sentence it rests on, and the reason (a key of the language file's
    `reasons` and its values)."""
    ranked = sorted(assessments, key=lambda a: -a.score)
    for a in ranked:
        same = [c for c in a.all_conflicts if c.kind == "name" and c.closeness >= th.same_name]
        # A number, date, negation or opposite word says more than a name that aligns loosely: it leads.
        a.conflicts = sorted((c for c in a.all_conflicts if c not in same and c.attested), key=lambda c: c.kind == "name")
        a.unsure = [c.claim for c in a.all_conflicts if c not in same and not c.attested]
    # A contradiction comes from a sentence that holds every other part of the claim. A number, date
    # or negation may also come from the closest sentence or one about the claim beyond doubt; never
    # from a farther one that merely shares a kind of number ("28.5°E" / "30 million pounds"), and in
    # one script, where every similarity runs high, from no farther one at all ("8:2" / "6:3"). A name
    # aligns loosely, so a name conflict always needs the rest pinned, its other words included
    # ("met Xi in Moscow" is not contradicted by "X believes he will go to Moscow").
    contra = [
        a
        for a in ranked
        if a.conflicts
        and (
            (not a.missing and not (a.uncovered and a.conflicts[0].kind == "name"))
            or (a.conflicts[0].kind != "name" and (a is ranked[0] or (not a.same_script and a.similarity >= th.pinned_similarity)))
        )
        and a.similarity >= th.contradict_similarity
        and a.coverage >= th.contradict_coverage
    ]
    clean = [
        a
        for a in ranked
        if not a.conflicts
        and not a.missing
        and not a.unsure
        and a.similarity >= th.support_similarity
        and a.coverage >= th.support_coverage
        and a.weakest >= th.support_weakest
        and not (a.same_script and a.uncovered)
    ]
    # A contradiction comes from the sentence the claim is closest to: not from a farther one while a
    # closer sentence differs in nothing ("Paris"/"Астані" in the next paragraph).
    # Lacking only concept words ("after", "first"), it still differs in no name, number or date, and
    # so stands against a farther sentence whose conflicts are all names, numbers or dates; not
    # against an opposite word or a negation ("lost" / "перемогою").
    agreeing = max(
        (
            a.score
            for a in ranked
            if not a.conflicts
            and not a.unsure
            and (
                not a.missing
                or (len(a.missing) == len(a.vague) and contra and all(c.kind in ("name", "number", "date") for c in contra[0].conflicts))
            )
        ),
        default=0.0,
    )
    if contra and contra[0].score >= agreeing:
        c = contra[0].conflicts[0]
        return "contradicted", contra[0], f"contradicted_{c.kind}", {"claim": c.claim, "article": c.article}
    if clean:
        if any(a.score >= clean[0].score - th.margin for a in contra):
            return "not_verified", clean[0], "conflict", {}
        return "supported", clean[0], "supported", {}
    best = ranked[0]
    if best.never:  # "Kazakhstan joined NATO" of an article that never names NATO: silent, not unsure
        return "not_in_article", best, "never", {"parts": ", ".join(best.never)}
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
        searchable = {p.number for p in article.paragraphs if p.is_body}
        self.rows = np.array([i for i, s in enumerate(indexed.sentences) if s.paragraph in searchable], dtype=int)
        self._words: dict[int, WordVectors] = {}
        self._parts: dict[int, Parts] = {}
        self._mentioned: dict[tuple[str, ...], bool] = {}
        self._paragraph_names: dict[int, set[str]] = {}
        self._terms = indexed.sentence_terms
        self._sentence_lemmas: dict[int, set[str]] = {}
        self._numbers: set[float] | None = None

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
        core = strip_preamble(claim)
        rows = self._ranked(core, None, self.embedder.encode_question(core, searched=False).embedding)[:k]
        return [self._citation_row(r, s) for r, s in rows]

    def assess(self, claim: str, language: str, only: set[int] | None = None) -> list[Assessment]:
        """The closest sentences, each compared with the claim."""
        core = strip_preamble(claim)
        claim_words = self.embedder.encode_question(core, searched=False)
        ranked = self._ranked(core, only, claim_words.embedding)[:CANDIDATES]
        if not ranked:
            return []
        claim_parts = parts(core, language, self.known)
        self.prepare([r for r, _ in ranked])
        same = language == self.language
        return [self._compare(core, claim_parts, claim_words, r, sim, same) for r, sim in ranked]

    def _ranked(self, core: str, only: set[int] | None, vector: np.ndarray) -> list[tuple[int, float]]:
        rows = self.rows if only is None else np.array([i for i, s in enumerate(self.indexed.sentences) if s.paragraph in only], dtype=int)
        if not len(rows):
            return []
        sims = self.indexed.similarity.to_sentences(vector, rows)
        claim_terms = key_terms(core)
        overlap = np.array([term_overlap(claim_terms, self._terms[r]) for r in rows])
        order = np.argsort(-(sims + OVERLAP_WEIGHT * overlap))
        return [(int(rows[i]), float(sims[i])) for i in order]

    def prepare(self, rows: list[int] | None = None) -> None:
        """Word vectors and checkable parts of these sentences (all when None), computed once; the
        store's word vectors are taken when the article already has them (the learned answerer)."""
        rows = [int(r) for r in self.rows] if rows is None else rows
        missing = [r for r in rows if r not in self._words]
        if missing and self.indexed.sentence_words is not None:
            self._words.update((r, self.indexed.sentence_words[r]) for r in missing)
        elif missing:
            texts = [self.indexed.sentences[r].text for r in missing]
            for r, wv in zip(missing, self.embedder.encode_words(texts, "passage"), strict=True):
                self._words[r] = wv
        for r in rows:
            if r not in self._parts:
                self._parts[r] = parts(self.indexed.sentences[r].text, self.language, self.known)

    def _compare(self, core: str, claim: Parts, cw: WordVectors, row: int, similarity: float, same: bool) -> Assessment:
        sentence = self.indexed.sentences[row]
        said = self._parts[row]
        sw = self._words[row]
        text = sentence.text
        cos = word_alignment(cw.vectors, sw.vectors)

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

        cross_script = _latin(core) != _latin(text)
        bar = ALIGN_WORD if cross_script else ALIGN_SAME_LANGUAGE if same else ALIGN_NAME  # a word "found" by its vector
        out = Assessment(row, sentence, similarity, 1.0, same_script=not cross_script)
        sentence_keys = [name_key(w) for w, _, _ in words_of(text)]
        matched_names: set[int] = set()
        pronoun = any(normalize(w) in lexicon(self.language).pronouns for w, _, _ in words_of(text))
        paragraph_keys = self._paragraph_keys(sentence.paragraph) if pronoun else set()
        by_pronoun: list[Name] = []
        for n in claim.names:
            hit = [i for i, sn in enumerate(said.names) if _name_meets(n, sn)]
            if hit:
                matched_names.update(hit)
                continue
            if not by_pronoun and any(same_name(k, x, loose=False) for k in n.keys for x in paragraph_keys):
                by_pronoun.append(n)  # "він зустрівся...": the pronoun stands for one name of its paragraph
                continue
            j, c = best(n.start, n.end)
            others = [i for i, sn in enumerate(said.names) if i not in matched_names and not any(_name_meets(cn, sn) for cn in claim.names)]
            # Aligned to a word another of the claim's names spells ("Trevor Martin" to "Ривер", which
            # is "River" of "River Song"): that place is taken, this name has none.
            word_key = name_key(text[sw.spans[j][0] : sw.spans[j][1]]) if j >= 0 else ""
            taken = any(same_name(k, word_key) for cn in claim.names if not _name_meets(cn, n) for k in cn.keys)
            rival = next((i for i in others if inside(j, said.names[i].start, said.names[i].end)), None)
            if rival is None and j >= 0 and cross_script:
                # Two names in one run ("Эдисона Тесла"): the run is matched by one claim name, and the
                # word this one aligns to is another name that no claim name spells.
                word = text[sw.spans[j][0] : sw.spans[j][1]]
                run = next((i for i in matched_names if inside(j, said.names[i].start, said.names[i].end)), None)
                if run is not None and word[:1].isupper() and not any(same_name(k, name_key(word)) for cn in claim.names for k in cn.keys):
                    # Before the word a claim name spells, it is likely that person's own first name
                    # ("Касима-Жомарта Токаєва" of "Tokayev"), not a rival: unsure, unless the vectors
                    # all but coincide (the same name, as for any name conflict).
                    run_name = said.names[run]
                    spelled = [
                        a
                        for a, b in sw.spans
                        if run_name.start <= a
                        and b <= run_name.end
                        and any(same_name(k, name_key(text[a:b])) for cn in claim.names if cn is not n for k in cn.keys)
                    ]
                    own_name = bool(spelled) and sw.spans[j][0] < min(spelled)
                    out.all_conflicts.append(Conflict("name", n.surface, word, c, self._in_article(n) and not own_name))
                    continue
            if rival is not None:
                # It aligns into another name: the same one spelled past recognition ("Wales"/"Уэльсе")
                # when the vectors all but coincide (`Thresholds.same_name`), else someone else in the
                # same place ("Газпрому"/"Нафтогазу").
                matched_names.add(rival)
                out.all_conflicts.append(Conflict("name", n.surface, said.names[rival].surface, c, self._in_article(n)))
                continue
            # Found by its vector only across scripts and where it aligns to a name: "Макроном" sits
            # close to "лідерами", "Пекине" to "КНР".
            if any(same_name(k, sk, loose=False) for k in n.keys for sk in sentence_keys if len(sk) > 3) or (
                cross_script and c >= ALIGN_NAME and not taken and text[sw.spans[j][0] : sw.spans[j][0] + 1].isupper()
            ):
                continue
            # Only a translation into another script may turn a name into a common word ("Greens" /
            # "зелёные", "Commonwealth Games" / "Игр Содружества"): loosely where no other name stands,
            # as closely as a name to a name where one does. Between Ukrainian and Russian a name keeps its key.
            common = not any(inside(j, sn.start, sn.end) for sn in said.names)
            if cross_script and common and not taken and (c >= ALIGN_NAME or (c >= ALIGN_WORD and not others)):
                continue
            out.missing.append(n.surface)  # in the same language a name is spelled, not guessed from its vector
            if not cross_script and not self._in_article(n):  # across scripts a name may be translated
                out.never.append(n.surface)
        claim_values = set().union(*(x.values for x in claim.numbers)) if claim.numbers else set()
        names_found = not out.missing
        paired: list[tuple[Number, Number]] = []
        for x in claim.numbers:
            if any(x.values & y.values for y in said.numbers):
                continue
            rivals = [y for y in said.numbers if y.kind == x.kind and not (y.values & claim_values)]
            j, _ = best(x.start, x.end)
            rival = next((y for y in rivals if inside(j, y.start, y.end)), None)
            if rival is None and x.exact and names_found:
                # The one figure of its kind and unit each side leaves unmatched: "1817" where the
                # sentence says "2000" (a figure seldom aligns to another by its vector). A figure
                # said twice counts once; a percentage pairs only with one. Whether the sentence is
                # about the same thing is known once its words are compared (below).
                unit = _percent(core, x.end)
                mine = [z for z in claim.numbers if z.kind == x.kind and not any(z.values & y.values for y in said.numbers)]
                theirs = {frozenset(y.values): y for y in rivals if y.exact and _percent(text, y.end) == unit}
                if len(mine) == 1 and len(theirs) == 1:
                    paired.append((x, next(iter(theirs.values()))))
                    continue
            if rival is not None:  # the claim's number aligns to another one: "543" where the sentence has "534"
                out.all_conflicts.append(Conflict(x.kind, x.surface, rival.surface))
            else:
                out.missing.append(x.surface)
                if not x.values & self._article_numbers():
                    out.never.append(x.surface)
        _compare_dates(claim.months, said.months, out)
        _compare_dates(claim.weekdays, said.weekdays, out)
        # A negation conflicts where what it governs aligns to the other text and that text has no
        # negation at all ("не запрошували" / "invited"). When both have one, each must pair with
        # a negation of the other over the same words; one that does not ("did not receive" beside
        # "не выиграли ... получил") leaves the claim unconfirmed, not contradicted, and so does a
        # claim's negation of words that align to nothing.
        for w, a, b in claim.negations:
            j, c = best(*_negated(w, a, b))
            if not any(inside(j, x, y) for _, x, y in said.negations):
                if c >= bar and not said.negations:
                    out.all_conflicts.append(Conflict("negation", w, ""))
                else:  # what it negates is nowhere clear in the sentence ("not famous" / "славится")
                    out.missing.append(w)
                break
        else:
            for w, a, b in said.negations:
                i, c = _aligned_from(cos, sw.spans, *_negated(w, a, b))
                if c >= bar and not any(x <= cw.spans[i][0] and cw.spans[i][1] <= y for _, x, y in claim.negations):
                    if claim.negations:
                        out.missing.append(text[a:b])
                    else:
                        out.all_conflicts.append(Conflict("negation", "", w))
                    break
        flip = opposites()
        for concept, word in claim.concepts.items():
            other = flip.get(concept)
            if other and other in said.concepts and concept not in said.concepts:
                out.all_conflicts.append(Conflict("antonym", word, said.concepts[other]))
            elif concept not in said.concepts or (other and other in said.concepts):
                # "lost" must meet a word for losing, not just a word near it; a sentence that says
                # both ("rose here, fell there") confirms neither.
                out.missing.append(word)
                out.vague.append(word)
        sentence_terms = self._terms[row]
        found = []
        for word, start, end in claim.content:
            lexical = same and (stem(fold(normalize(word))) in sentence_terms or lemma(word, self.language) in self._lemmas(row))
            closeness = 1.0 if lexical else best(start, end)[1]
            found.append(closeness)
            # In the same script (one language, or Ukrainian and Russian) a word is there by its stem or
            # a close synonym: contextual vectors of such texts sit close to each other anyway
            # ("прем'єр-міністр" / "міський голова", "баллотируется" / "директор").
            if closeness < bar:
                out.uncovered.append(word)
        # A paired figure contradicts in a sentence that holds the claim's names or, for a claim
        # without names, every other word of it ("pensions rise 10% in 2025" / "salaries rose in 2024").
        about = bool(claim.names) or not out.uncovered
        for x, y in paired:
            if about:
                out.all_conflicts.append(Conflict(x.kind, x.surface, y.surface))
            else:
                out.missing.append(x.surface)
                if not x.values & self._article_numbers():
                    out.never.append(x.surface)
        out.coverage = float(np.mean(found)) if found else 1.0
        out.weakest = float(min(found)) if found else 1.0
        return out

    def _article_numbers(self) -> set[float]:
        if self._numbers is None:
            found = (parts(p.text, self.language, self.known).numbers for p in self.indexed.article.paragraphs)
            self._numbers = {v for numbers in found for x in numbers for v in x.values}
        return self._numbers

    def _lemmas(self, row: int) -> set[str]:
        if row not in self._sentence_lemmas:
            self._sentence_lemmas[row] = {lemma(w, self.language) for w, _, _ in words_of(self.indexed.sentences[row].text)}
        return self._sentence_lemmas[row]

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


def _percent(text: str, end: int) -> bool:
    return bool(_PERCENT.match(text, end))


def _latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) * 2 > len(letters)


def _negated(word: str, start: int, end: int) -> tuple[int, int]:
    """The words a negation governs, without the negating word itself (whose vector is "not" wherever it stands)."""
    after = start + len(word)
    return (after, end) if end > after else (start, end)


def _aligned_from(cos: np.ndarray, spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, float]:
    """The claim word that the sentence's words in this span align to best, and how well."""
    idx = [j for j, (a, b) in enumerate(spans) if a < end and b > start]
    if not idx or not cos.shape[0]:
        return -1, 0.0
    sims = cos[:, idx].max(axis=1)
    i = int(np.argmax(sims))
    return i, float(sims[i])


def _compare_dates(claim: list[tuple[str, int, int, int]], said: list[tuple[str, int, int, int]], out: Assessment) -> None:
    """Months or weekdays: the claim's must be the sentence's; another one there is a different date."""
    claimed = {key for _, key, _, _ in claim}
    for surface, key, _, _ in claim:
        if any(key == k for _, k, _, _ in said):
            continue
        rivals = [s for s, k, _, _ in said if k not in claimed]
        if rivals:
            out.all_conflicts.append(Conflict("date", surface, rivals[0]))
        else:
            out.missing.append(surface)


def _name_meets(a: Name, b: Name) -> bool:
    return any(same_name(x, y) for x in a.keys for y in b.keys)
