"""Claim checks that cannot be tuned to: thousands of claims built from XQuAD, checked against the
Russian paragraphs, thresholds fitted on three folds of articles and reported on the fourth; then
the hand-written claims over ../shared/data/news-uk/ (bench/data/claims_news_uk.jsonl), with the
thresholds the checker ships (fitted on all XQuAD folds, never on these).

    python bench/xquad_claims.py [--articles N] [--no-fit]

XQuAD claims, per article (48 articles, 12 per fold by article number mod 4):
- supported: an English sentence that holds a question's gold answer; the Russian paragraph has its translation;
- contradicted: that sentence with the answer replaced by another answer of the same kind from the same
  article (person, number, date, place), or with "not" put after its first auxiliary verb;
- not_in_article: an answer sentence of another article.

Reads ../shared/data/xquad/ and ../shared/data/news-uk/ (never copied into the repository) and
skips what is absent. Embeddings are cached in /tmp/article-chat-bench/ between runs."""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, fields, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.page import machine  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
XQUAD = SHARED / "xquad"
NEWS = SHARED / "news-uk"
HAND = ROOT / "bench" / "data" / "claims_news_uk.jsonl"
CACHE = Path("/tmp/article-chat-bench")
FOLDS = 4
LABELS = ("supported", "contradicted", "not_in_article")
_AUX = re.compile(r"\b(is|are|was|were|has|have|had|can|could|will|would|should|did|does|do|must|may)\b(?!\s+(?:not|n't)\b)")
_MONTH = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b")
_YEAR = re.compile(r"\b(1\d{3}|20\d{2})s?\b")
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|hundred|thousand|million|billion)\b", re.I
)
_PLACE_Q = re.compile(
    r"\b(where|what|which)\b.*\b(country|city|state|region|continent|place|river|town|island|location|area|nation)\b", re.I
)


class CachedEmbedder:
    """The real model, with every vector it computes kept in a file between runs."""

    def __init__(self, embedder, path: Path) -> None:
        self.embedder = embedder
        self.path = path
        self.store: dict = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.dirty = False

    def _get(self, kind: str, texts: list[str], compute):
        missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self.store))
        if missing:
            for t, v in zip(missing, compute(missing), strict=True):
                self.store[kind, t] = v
            self.dirty = True
        return [self.store[kind, t] for t in texts]

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return np.stack(self._get("q", list(texts), self.embedder.encode_queries))

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack(self._get("p", list(texts), self.embedder.encode_passages))

    def encode_words(self, texts: list[str], kind: str = "passage"):
        return self._get(f"words-{kind}", list(texts), lambda t: self.embedder.encode_words(t, kind))

    def encode_question(self, text: str, searched: bool = True):
        """As `Embedder.encode_question`: the float32 pass's words, with the searched embedding when asked."""
        words = self.encode_words([text], "query")[0]
        return replace(words, embedding=self.encode_queries([text])[0]) if searched else words

    def save(self) -> None:
        if self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self.store))
            tmp.replace(self.path)
            self.dirty = False


def in_memory(article, embedder):
    """An IndexedArticle without the vector store: the claim checker needs sentences and their vectors only."""
    from index.article import quotable_sentences
    from index.store import IndexedArticle, SentenceRef

    sentences = [SentenceRef(p.number, s, e, t) for p in article.paragraphs for s, e, t in quotable_sentences(p)]
    vectors = embedder.encode_passages([s.text for s in sentences])
    paragraphs = embedder.encode_passages([p.search_text for p in article.paragraphs])
    return IndexedArticle(article, article.id, sentences, vectors, paragraphs)


def _kind(question: str, answer: str) -> str | None:
    q = question.strip().lower()
    if _MONTH.search(answer) or (_YEAR.search(answer) and re.match(r"(when|what year|in what year|in which year|what date)", q)):
        return "date"
    if _NUMBER.search(answer) and re.match(
        r"(how many|how much|what (?:percentage|percent|number|amount)|how (?:long|old|far|large|big))", q
    ):
        return "number"
    capital = all(w[:1].isupper() for w in answer.split() if w.lower() not in ("of", "the", "and", "de", "von", "van", "al"))
    if capital and answer[:1].isupper():
        if re.match(r"(who|whom|whose)\b", q):
            return "person"
        if q.startswith("where") or _PLACE_Q.search(q):
            return "place"
    return None


def _values(answer: str) -> str:
    return re.sub(r"\W+", " ", answer.lower()).strip()


def build_xquad(limit: int | None = None, seed: int = 12) -> tuple[list[dict], list[dict]]:
    """(claims, articles): each claim has article (index), fold, label, kind, claim."""
    from index.text import sentence_spans

    en = json.loads((XQUAD / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    ru = json.loads((XQUAD / "xquad.ru.json").read_text(encoding="utf-8"))["data"]
    rng = random.Random(seed)
    articles = []
    per_article: list[list[tuple[str, str, str | None, int, int]]] = []
    for a, (art_en, art_ru) in enumerate(zip(en, ru, strict=True)):
        if limit is not None and a >= limit:
            break
        articles.append(
            {"article": a, "title": art_en["title"], "paragraphs": [p["context"].lstrip("\ufeff") for p in art_ru["paragraphs"]]}
        )
        found = []
        for p in art_en["paragraphs"]:
            context = p["context"].lstrip("\ufeff")
            shift = len(p["context"]) - len(context)
            spans = sentence_spans(context)
            for qa in p["qas"]:
                ans = qa["answers"][0]
                start = ans["answer_start"] - shift
                sent = next((s for s in spans if s.start <= start < s.end), None)
                if sent is None or context[start : start + len(ans["text"])] != ans["text"] or len(sent.text) < 25:
                    continue
                found.append((sent.text, ans["text"], _kind(qa["question"], ans["text"]), start - sent.start, len(ans["text"])))
        per_article.append(found)
    claims: list[dict] = []
    for a, found in enumerate(per_article):
        fold = a % FOLDS
        sentences = list(dict.fromkeys(s for s, *_ in found))
        for s in sentences:
            claims.append({"article": a, "fold": fold, "label": "supported", "kind": "translation", "claim": s})
        by_kind: dict[str, list[str]] = defaultdict(list)
        for _, answer, kind, _, _ in found:
            if kind and answer not in by_kind[kind]:
                by_kind[kind].append(answer)
        seen = set()
        for sentence, answer, kind, offset, length in found:
            if not kind:
                continue
            others = [o for o in by_kind[kind] if _values(o) != _values(answer) and _values(o) not in _values(sentence).split(" ")]
            others = [o for o in others if o.lower() not in sentence.lower()]
            if not others:
                continue
            other = rng.choice(others)
            changed = sentence[:offset] + other + sentence[offset + length :]
            if changed in seen:
                continue
            seen.add(changed)
            claims.append(
                {"article": a, "fold": fold, "label": "contradicted", "kind": kind, "claim": changed, "was": answer, "now": other}
            )
        for s in sentences:
            if re.search(r"\b(not|n't|no|never|without)\b", s, re.I):
                continue
            m = _AUX.search(s)
            if m:
                claims.append(
                    {"article": a, "fold": fold, "label": "contradicted", "kind": "negation", "claim": s[: m.end()] + " not" + s[m.end() :]}
                )
    n = len(per_article)
    for a in range(n):
        other = per_article[(a + 1 + a % 7) % n] if n > 1 else []
        pool = list(dict.fromkeys(s for s, *_ in other))
        for s in rng.sample(pool, min(len(pool), 20)):
            claims.append({"article": a, "fold": a % FOLDS, "label": "not_in_article", "kind": "other article", "claim": s})
    return claims, articles


def xquad_checkers(articles: list[dict], embedder):
    from assistant.claims import ClaimChecker
    from index.article import Article, ArticleMeta, Paragraph

    checkers = {}
    for art in articles:
        paras = [Paragraph(number=i + 1, text=t) for i, t in enumerate(art["paragraphs"])]
        digest = hashlib.sha256("\n\n".join(art["paragraphs"]).encode()).hexdigest()
        article = Article(id=f"xquad-{art['article']}", content_hash=digest, meta=ArticleMeta(language="ru"), paragraphs=paras)
        checkers[art["article"]] = ClaimChecker(in_memory(article, embedder), embedder)
    return checkers


def verdicts(assessed: list[tuple[dict, list]], th) -> list[str]:
    from assistant.claims import decide

    return [decide(a, th)[0] if a else "not_in_article" for _, a in assessed]


def score(rows: list[dict], got: list[str]) -> tuple[float, float]:
    """(share right, share of claims labelled contradicted/not_in_article that got 'supported')."""
    right = sum(r["label"] == g for r, g in zip(rows, got, strict=True)) / max(1, len(rows))
    bad = [g for r, g in zip(rows, got, strict=True) if r["label"] != "supported"]
    return right, (sum(g == "supported" for g in bad) / len(bad) if bad else 0.0)


GRID = {
    # Fixed, not fitted: these claims are English against Russian, and an English claim against a
    # Ukrainian article sits lower (0.81-0.85 for exact paraphrases of the default article), so a
    # value fitted here (0.87) turns them away. The word-level checks carry support instead; the
    # held-out cost of 0.80 against a fitted value is in docs/benchmarks.md.
    "support_similarity": [0.80],
    "support_coverage": [0.70, 0.74, 0.76, 0.78, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90],
    "contradict_similarity": [0.76, 0.78, 0.80, 0.82, 0.84, 0.86, 0.88],
    "contradict_coverage": [0.60, 0.70, 0.74, 0.76, 0.78, 0.80, 0.82, 0.84],
    "related_similarity": [0.76, 0.78, 0.80, 0.82, 0.84, 0.86],
    "margin": [0.0, 0.01, 0.02, 0.04],
    "same_name": [0.80, 0.82, 0.84, 0.86, 0.88, 0.90, 0.92, 1.01],
    "support_weakest": [0.0, 0.66, 0.68, 0.70, 0.72, 0.74, 0.76, 0.78],
    "pinned_similarity": [0.80, 0.84, 0.86, 0.88, 0.90, 0.92, 1.01],
}


def fit(assessed: list[tuple[dict, list]], start):
    """Coordinate search: the most claims right per label while false 'supported' stays under 0.6%
    on the training folds (a margin below the 1% target for the held-out fold)."""
    rows = [r for r, _ in assessed]

    def objective(th) -> float:
        got = verdicts(assessed, th)
        _, false_support = score(rows, got)
        # The mean of the three labels' shares right: no label is given up for the others.
        per_label = [
            score([r for r in rows if r["label"] == lab], [g for r, g in zip(rows, got, strict=True) if r["label"] == lab])[0]
            for lab in LABELS
        ]
        return sum(per_label) / len(per_label) - 10 * max(0.0, false_support - 0.006)

    best, best_value = start, objective(start)
    for _ in range(3):
        improved = False
        for name, grid in GRID.items():
            for value in grid:
                candidate = replace(best, **{name: value})
                v = objective(candidate)
                if v > best_value + 1e-9:
                    best, best_value, improved = candidate, v, True
        if not improved:
            break
    return best


def table(title: str, rows: list[dict], got: list[str], key: str = "kind") -> None:
    right, false_support = score(rows, got)
    print(f"\n## {title}: {len(rows)} claims, {right:.1%} right, false 'supported' {false_support:.2%} of contradicted/not-in-article")
    print(f"| label | {key} | n | right | supported | contradicted | not_in_article | not_verified |")
    print("|---|---|---|---|---|---|---|---|")
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r, g in zip(rows, got, strict=True):
        groups[r["label"], r[key]].append(g)
    for (label, kind), gs in sorted(groups.items(), key=lambda x: (LABELS.index(x[0][0]), x[0][1])):
        c = Counter(gs)
        n = len(gs)
        cells = " | ".join(f"{c[v] / n:.0%}" for v in ("supported", "contradicted", "not_in_article", "not_verified"))
        print(f"| {label} | {kind} | {n} | {c[label] / n:.1%} | {cells} |")


def run_xquad(embedder, limit: int | None, do_fit: bool):
    from assistant.claims import DEFAULT_THRESHOLDS

    claims, articles = build_xquad(limit)
    checkers = xquad_checkers(articles, embedder)
    t0 = time.perf_counter()
    assessed = [(r, checkers[r["article"]].assess(r["claim"], "en")) for r in claims]
    embedder.save()
    print(f"XQuAD: {len(claims)} claims over {len(articles)} articles, assessed in {time.perf_counter() - t0:.0f} s")
    got: list[str] = [""] * len(claims)
    fitted = []
    for fold in range(FOLDS):
        train = [x for x in assessed if x[0]["fold"] != fold]
        test_idx = [i for i, (r, _) in enumerate(assessed) if r["fold"] == fold]
        th = fit(train, DEFAULT_THRESHOLDS) if do_fit else DEFAULT_THRESHOLDS
        fitted.append(th)
        for i, v in zip(test_idx, verdicts([assessed[i] for i in test_idx], th), strict=True):
            got[i] = v
    for fold, th in enumerate(fitted):
        print(f"fold {fold} thresholds (fitted on the other folds): {asdict(th)}")
    table("XQuAD-derived, held-out folds (en claims, ru article)", claims, got)
    shipped = verdicts(assessed, DEFAULT_THRESHOLDS)
    right, fs = score(claims, shipped)
    print(
        f"\nwith the shipped thresholds on all folds (fitted on all of them, so not held-out): {right:.1%} right, false 'supported' {fs:.2%}"
    )
    if do_fit:
        everything = fit(assessed, DEFAULT_THRESHOLDS)
        print(f"fitted on all folds: {asdict(everything)}")
    return claims, got


def run_hand(embedder_real) -> None:
    from assistant.claims import ClaimChecker, claim_language
    from index.article import load_article

    rows = [json.loads(line) for line in HAND.read_text(encoding="utf-8").splitlines() if line.strip()]
    checkers: dict[str, ClaimChecker] = {}
    got, times, langs, wrong, prepare = [], [], [], [], []
    for r in rows:
        if r["article"] not in checkers:
            article = load_article(NEWS / r["article"])
            checkers[r["article"]] = ClaimChecker(in_memory(article, embedder_real), embedder_real)
            start = time.perf_counter()
            checkers[r["article"]].prepare()
            prepare.append((time.perf_counter() - start) * 1000)
        checker = checkers[r["article"]]
        start = time.perf_counter()
        language = claim_language(r["claim"], checker.language)
        result = checker.check(r["claim"], language)
        times.append((time.perf_counter() - start) * 1000)
        langs.append(language)
        got.append(result.verdict)
        if result.verdict != r["label"]:
            wrong.append(
                f"  {r['id']} [{r['lang']}, {r['kind']}] expected {r['label']}, got {result.verdict}: {r['claim']} -- {result.reason}"
            )
    table("Hand-written claims over news-uk (shipped thresholds, never fitted on these)", rows, got)
    table("Hand-written claims, per language", rows, got, key="lang")
    # "first": the 81 claims written before the fourth session, looked at while developing since;
    # "fresh": 50 written later over five other articles, by a session that never saw the checker.
    for split in ("first", "fresh"):
        keep = [i for i, r in enumerate(rows) if r.get("split", "first") == split]
        table(f"Hand-written claims, split '{split}'", [rows[i] for i in keep], [got[i] for i in keep], key="lang")
    print(f"claim language detected right: {sum(a == r['lang'] for a, r in zip(langs, rows, strict=True))}/{len(rows)}")
    print(
        f"check time per claim (warm: model loaded, each article's sentences prepared once first, median "
        f"{statistics.median(prepare):.0f} ms an article): median {statistics.median(times):.0f} ms, p90 {np.percentile(times, 90):.0f} ms"
    )
    for line in wrong:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=None, help="only the first N XQuAD articles (quick runs)")
    parser.add_argument("--no-fit", action="store_true", help="report with the shipped thresholds on every fold")
    args = parser.parse_args()
    from index.embeddings import embedder_for
    from settings import Settings

    settings = Settings()
    real = embedder_for(settings)
    print(f"machine: {machine()}")
    names = [f.name for f in fields(type(__import__("assistant.claims", fromlist=["x"]).DEFAULT_THRESHOLDS))]
    print(f"thresholds: {', '.join(names)}")
    if XQUAD.is_dir():
        # Keyed by the whole model id, which names the engine: s8, u8 and float32 vectors differ.
        cached = CachedEmbedder(real, CACHE / f"claims-{hashlib.sha256(real.model_id.encode()).hexdigest()[:16]}.pkl")
        run_xquad(cached, args.articles, not args.no_fit)
    else:
        print(f"skipped XQuAD: {XQUAD} is absent")
    if NEWS.is_dir() and HAND.exists():
        run_hand(real)
    else:
        print(f"skipped hand-written claims: {NEWS} is absent")


if __name__ == "__main__":
    main()
