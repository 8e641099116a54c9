"""The parts of a claim (or of an article's sentence) that can be checked without a language
model: names, numbers, dates, negation and words with an opposite ("won"/"lost").

The words of each language live in `assistant/data/{en,uk,ru}.json` and the opposite pairs in
`assistant/data/opposites.json`; none of them is about any article. `claims.py` decides what the
parts mean."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path

from index.text import fold, normalize

DATA = Path(__file__).with_name("data")
LANGUAGES = ("en", "uk", "ru")
# A time of day; other figures around a colon are a score or a ratio ("8:2"), which are amounts.
_CLOCK = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-4]):[0-5]\d(?::[0-5]\d)?(?![\d:])")
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ-][^\W_]+)*", re.UNICODE)
_SOFT_C = re.compile(r"c(?=[eiy])")  # Latin "Central" meets "Центральна"
_VOWELS = re.compile(r"[aeiou]+")
_OPEN_QUOTES = "«\"“„'"
NAME_RATIO = 0.7


@dataclass(frozen=True)
class Lexicon:
    """One language's lists, compiled for matching."""

    language: str
    negation_words: frozenset[str]
    negation_prefixes: tuple[str, ...]
    not_negations: tuple[tuple[str, ...], ...]  # phrases whose "не" negates nothing ("тим не менш", "тем не менее")
    not_concepts: tuple[tuple[str, ...], ...]  # phrases whose concept word says nothing of it ("named after")
    number_words: dict[str, int]
    number_stems: dict[str, int]  # ordinals in uk/ru ("трет" -> третій, третьому)
    ordinal_words: frozenset[str]  # number words that rank rather than count ("third")
    year_words: frozenset[str]  # "2013 року": the figure before one is a year, not an amount
    multipliers: dict[str, int]
    thousands_comma: bool
    months: dict[int, tuple[str, ...]]
    ambiguous_months: frozenset[str]
    weekdays: dict[int, tuple[str, ...]]
    concepts: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    titles: frozenset[str]
    pronouns: frozenset[str]
    preamble: re.Pattern
    reasons: dict[str, str]


def _matches(token: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(token.startswith(p[:-1]) if p.endswith("*") else token == p for p in patterns)


@cache
def lexicon(language: str) -> Lexicon:
    """The lists of a language; an unknown language gets English's."""
    name = language if language in LANGUAGES else "en"
    raw = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    negation = [normalize(w) for w in raw["negation"]]
    preambles = "|".join(f"(?:{p})" for p in raw["preambles"])
    return Lexicon(
        language=name,
        negation_words=frozenset(w for w in negation if not w.endswith("*")),
        negation_prefixes=tuple(w for w in negation if w.endswith("*")),
        not_negations=tuple(tuple(normalize(w) for w in phrase.split()) for phrase in raw.get("not_negations", [])),
        not_concepts=tuple(tuple(normalize(w) for w in phrase.split()) for phrase in raw.get("not_concepts", [])),
        number_words={normalize(k): v for k, v in raw["number_words"].items()},
        number_stems={normalize(k): v for k, v in raw["number_stems"].items()},
        ordinal_words=frozenset(normalize(w) for w in raw.get("ordinal_words", [])),
        year_words=frozenset(normalize(w) for w in raw["year_words"]),
        multipliers={normalize(k): v for k, v in raw["multipliers"].items()},
        thousands_comma=bool(raw["thousands_comma"]),
        months={int(k): tuple(normalize(w) for w in v) for k, v in raw["months"].items()},
        ambiguous_months=frozenset(normalize(w) for w in raw["ambiguous_months"]),
        weekdays={int(k): tuple(normalize(w) for w in v) for k, v in raw["weekdays"].items()},
        concepts={k: tuple(normalize(w) for w in v) for k, v in raw["concepts"].items()},
        stopwords=frozenset(normalize(w) for w in raw["stopwords"]),
        titles=frozenset(normalize(w) for w in raw["titles"]),
        pronouns=frozenset(normalize(w) for w in raw["pronouns"]),
        preamble=re.compile(rf"^\s*(?:{preambles})\s*[:,]?\s*", re.IGNORECASE),
        reasons=raw["reasons"],
    )


@lru_cache(maxsize=1)
def opposites() -> dict[str, str]:
    """concept -> its opposite, both ways."""
    pairs = json.loads((DATA / "opposites.json").read_text(encoding="utf-8"))["pairs"]
    return {**{a: b for a, b in pairs}, **{b: a for a, b in pairs}}


def number_words() -> dict[str, int]:
    """Every language's number words in one table ("three", "чотири", "пять")."""
    table: dict[str, int] = {}
    for language in LANGUAGES:
        table.update(lexicon(language).number_words)
    return table


def strip_preamble(claim: str) -> str:
    """ "The article says the mayor met the minister" -> "the mayor met the minister": the frame is not the claim."""
    core = claim.strip()
    for language in LANGUAGES:
        stripped = lexicon(language).preamble.sub("", core, count=1).strip()
        if stripped != core:
            core = stripped
            break
    return core[:1].upper() + core[1:] if core else claim.strip()


def name_key(word: str) -> str:
    """One key for a name in any of the three scripts: the script-blind fold ("NFL's" -> "nfl")."""
    return fold(_SOFT_C.sub("ts", re.sub(r"'s$", "", normalize(word))))


@lru_cache(maxsize=16384)
def _skeleton(key: str) -> str:
    return _VOWELS.sub("", key[1:]) if key else ""


@lru_cache(maxsize=65536)
def same_name(a: str, b: str, loose: bool = True) -> bool:
    """Keys meet when one is the other inflected or transliterated: a common prefix of 5+ letters,
    or of 4 that leaves at most 3 letters of the shorter key ("parizhi"/"paris"), or the same
    first letter and consonants ("kavenn"/"kawann" -> "kvnn"); `loose`: also most letters in order.
    Remembered: a claim's names meet the article's names again and again (most of a check's time)."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    if n >= 5 or (n >= 4 and n >= min(len(a), len(b)) - 3):
        return True
    sa, sb = _skeleton(a), _skeleton(b)
    short, long = sorted((sa, sb), key=len)
    if a and b and a[0] == b[0] and len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 2:
        return True
    if not loose:
        return False
    # Transliterations drift ("geelong"/"dzhilong", "newton"/"niutona"): the same sounding consonants,
    # or most letters in the same order.
    ka, kb = sound_key(a), sound_key(b)
    short, long = sorted((ka, kb), key=len)
    if len(short) >= 2 and (ka == kb or (len(short) >= 3 and long.startswith(short) and len(long) - len(short) <= 2)):
        return True
    if min(len(a), len(b)) < 5:
        return False
    matcher = SequenceMatcher(None, a, b)  # the quick ratios bound the ratio from above and cost far less
    return matcher.real_quick_ratio() >= NAME_RATIO and matcher.quick_ratio() >= NAME_RATIO and matcher.ratio() >= NAME_RATIO


_SOUNDS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("shch", "s"),
    ("sh", "s"),
    ("kh", "h"),
    ("ch", "c"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("th", "t"),
    ("g", "j"),
)


@lru_cache(maxsize=16384)
def sound_key(key: str) -> str:
    """The consonants of a folded name as they sound, whatever the script it came from."""
    for a, b in _SOUNDS:
        key = key.replace(a, b)
    key = re.sub(r"[aeiouyvwh]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass
class Name:
    surface: str
    keys: list[str]
    start: int
    end: int


@dataclass
class Number:
    surface: str
    values: set[float]
    kind: str  # number | date (a year)
    start: int
    end: int
    exact: bool = True  # a figure or a cardinal word, not read from an ordinal stem ("п'ят" also starts "п'ятниця")


@dataclass
class Parts:
    """What can be checked in a text. Spans are character offsets into that text."""

    names: list[Name] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    months: list[tuple[str, int, int, int]] = field(default_factory=list)  # (surface, month, start, end)
    weekdays: list[tuple[str, int, int, int]] = field(default_factory=list)  # (surface, day 1-7, start, end)
    # (negating word, where it starts, where the word it negates ends): "не запрошували", "did not receive"
    negations: list[tuple[str, int, int]] = field(default_factory=list)
    concepts: dict[str, str] = field(default_factory=dict)  # concept -> the word that says it
    content: list[tuple[str, int, int]] = field(default_factory=list)  # (word, start, end) of other meaningful words


_NUMBER = {
    True: re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+(?:\.\d+)?"),
    False: re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|\d{1,3}(?:,\d{3})+(?:\.\d+)(?!\d)|\d+(?:[.,]\d+)?"),
}


def _value(surface: str, thousands_comma: bool) -> float:
    text = re.sub(r"[ \u00a0\u202f]", "", surface)
    text = text.replace(",", "") if thousands_comma or "." in text else text.replace(",", ".")
    return float(text)


def _month(token: str, lex: Lexicon) -> int | None:
    return _calendar(token, lex.months)


def _calendar(token: str, table: dict[int, tuple[str, ...]]) -> int | None:
    for key, patterns in table.items():
        if _matches(token, patterns):
            return key
    return None


def _hyphenated(token: str, lex: Lexicon) -> set[float] | None:
    """Number words joined by hyphens: "twenty-five" (25), "два-три" (a range: either), "two-thirds" (2/3)."""
    pieces = token.split("-")
    if len(pieces) < 2 or not all(pieces):
        return None
    counts = [lex.number_words.get(p) for p in pieces]
    if all(c is not None for c in counts):
        if len(counts) == 2 and counts[0] >= 20 and counts[0] % 10 == 0 and 0 < counts[1] < 10:
            return {float(counts[0] + counts[1])}
        return {float(c) for c in counts}
    parts_of = lex.number_words.get(pieces[1].removesuffix("s")) if len(pieces) == 2 and pieces[1].endswith("s") else None
    if counts[0] is not None and parts_of:
        return {counts[0] / parts_of}
    return None


def _number_word(token: str, lex: Lexicon) -> int | None:
    if token in lex.number_words:
        return lex.number_words[token]
    if hyphenated := _hyphenated(token, lex):
        return int(min(hyphenated))
    for stem, value in lex.number_stems.items():
        if token.startswith(stem) and len(token) - len(stem) <= 4 and not any(ch.isdigit() for ch in token):
            return value
    return None


def _multiplier(token: str, lex: Lexicon) -> int | None:
    for word, value in lex.multipliers.items():
        if _matches(token, (word,)):
            return value
    return None


def has_amount(text: str, language: str) -> bool:
    """A figure or a cardinal number word ("три", "twelve"), a score ("8:2"). Not an amount: a date
    ("24 лютого", "May 5", "2013 року", any year 1900-2100), a time ("15:00"), a figure inside a
    name ("Су-25", "COVID-19") or an ordinal ("третій", "third")."""
    lex = lexicon(language)
    found = [(normalize(m.group(0)), m.start()) for m in _TOKEN.finditer(text)]
    tokens = [t for t, _ in found]
    clock = [m.span() for m in _CLOCK.finditer(text)]
    for i, (token, start) in enumerate(found):
        if not any(ch.isdigit() for ch in token):
            if (token in lex.number_words and token not in lex.ordinal_words) or _hyphenated(token, lex):
                return True
            continue
        if not token.isdigit() or any(a <= start < b for a, b in clock):
            continue
        after, before = tokens[i + 1 : i + 2], tokens[max(0, i - 1) : i]
        day = any(_month(t, lex) is not None for t in after + before)
        year = 1900 <= int(token) <= 2100 or (1000 <= int(token) < 1900 and any(t in lex.year_words for t in after))
        if not (day or year):
            return True
    return False


def parts(text: str, language: str, known: set[str] | None = None) -> Parts:
    """Names, numbers, months, weekdays, negation, opposite-bearing words and the remaining content words."""
    lex = lexicon(language)
    known = known or set()
    out = Parts()
    tokens = [(m.group(0), normalize(m.group(0)), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    taken: set[int] = set()
    concepts: list[tuple[str, str, int]] = []
    for m in _NUMBER[lex.thousands_comma].finditer(text):
        if m.start() and (text[m.start() - 1].isalpha()):
            continue  # "COVID19", "Ту-154" keep their digits as part of a name
        value = _value(m.group(0), lex.thousands_comma)
        values = {value}
        if re.fullmatch(r"\d{1,3},\d{3}", m.group(0)):  # "121,154": a thousands comma or a decimal one, by who wrote it
            values |= {_value(m.group(0), True), _value(m.group(0), False)}
        after = [t for t in tokens if t[2] >= m.end()][:1]
        if after and (mult := _multiplier(after[0][1], lex)) is not None:
            values.add(value * mult)
        kind = "date" if value == int(value) and 1000 <= value <= 2100 and "." not in m.group(0) and "," not in m.group(0) else "number"
        out.numbers.append(Number(m.group(0), values, kind, m.start(), m.end()))
    for i, (word, token, start, end) in enumerate(tokens):
        if token.isdigit():
            continue
        day = _calendar(token, lex.weekdays)
        # Before number words: "п'ятниці" is Friday, not five. Ukrainian and Russian write weekdays
        # in lower case; capitalised, it is a name ("Субботин", "Пятницкой улице").
        if day is not None and (lex.language == "en" or not word[:1].isupper()):
            out.weekdays.append((word, day, start, end))
            taken.add(i)
            continue
        value = _number_word(token, lex)
        if value is not None:
            hyphenated = _hyphenated(token, lex)
            values = hyphenated or {float(value)}
            if i + 1 < len(tokens) and (mult := _multiplier(tokens[i + 1][1], lex)) is not None:
                values |= {v * mult for v in values}
            exact = token in lex.number_words or hyphenated is not None
            out.numbers.append(Number(word, values, "number", start, end, exact))
            taken.add(i)
            concepts.append((word, token, start, i))  # "першим" counts one and says "first"
            continue
        month = _month(token, lex)
        if month is not None:
            near = " ".join(t[1] for t in tokens[max(0, i - 1) : i + 2])
            if token not in lex.ambiguous_months or re.search(r"\d", text[max(0, start - 6) : end + 6]) or near.startswith(("in ", "of ")):
                out.months.append((word, month, start, end))
                taken.add(i)
                continue
        negates = token in lex.negation_words or token.endswith("n't") or _matches(token, lex.negation_prefixes)
        if negates and not _in_phrase(tokens, i, lex.not_negations):
            # What it negates: the next meaningful word ("не запрошували", "refused to recognise").
            target = next((t for t in tokens[i + 1 : i + 4] if t[1] not in lex.stopwords and t[1] not in lex.negation_words), None)
            out.negations.append((word, start, target[3] if target else end))
            taken.add(i)
        concepts.append((word, token, start, i))
    out.names = _names(text, tokens, lex, known)
    named = {(n.start, n.end) for n in out.names}
    for word, token, start, i in concepts:  # not from a name ("Нижній Новгород", "Victoria") nor a set phrase ("named after")
        if not any(a <= start < b for a, b in named) and not _in_phrase(tokens, i, lex.not_concepts):
            _concept(out, word, token, lex)
    for i, (word, token, start, end) in enumerate(tokens):
        inside = any(a <= start and end <= b for a, b in named)
        if i in taken or inside or token in lex.stopwords or len(token) < 3 or token.isdigit():
            continue
        out.content.append((word, start, end))
    return out


def _in_phrase(tokens: list[tuple[str, str, int, int]], i: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether token i stands inside one of these phrases."""
    words = [t[1] for t in tokens]
    for phrase in phrases:
        for k, w in enumerate(phrase):
            if w == words[i] and i >= k and tuple(words[i - k : i - k + len(phrase)]) == phrase:
                return True
    return False


def _concept(out: Parts, word: str, token: str, lex: Lexicon) -> None:
    for concept, patterns in lex.concepts.items():
        if concept not in out.concepts and _matches(token, patterns):
            out.concepts[concept] = word


def _names(text: str, tokens: list[tuple[str, str, int, int]], lex: Lexicon, known: set[str]) -> list[Name]:
    """Runs of capitalised words ("Olena Kovalenko", "Сан-Маріно"). A sentence's first word counts
    when another capitalised word follows it, when the text capitalises it elsewhere (`known`), or
    when it is an acronym; titles, months, weekdays and number words never do."""
    runs: list[list[tuple[str, str, int, int]]] = []
    previous_end = -1
    for k, (word, token, start, end) in enumerate(tokens):
        calendar = _month(token, lex) is not None or _calendar(token, lex.weekdays) is not None
        if not word[:1].isupper() or token in lex.titles or calendar or _number_word(token, lex) is not None:
            previous_end = -1
            continue
        before = text[:start].rstrip()
        initial = not before or before[-1] in ".!?:;…\n—–-" or (before[-1] in _OPEN_QUOTES and len(before) < 2)
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        followed = nxt is not None and nxt[0][:1].isupper() and text[end : nxt[2]].strip() == ""
        key = name_key(word)
        # A sentence's first word that is a function word ("После", "After Zelensky's speech") names
        # nothing, however often the text capitalises it at the start of a sentence; an acronym
        # ("WHO", "IT") still does.
        if initial and token in lex.stopwords and not (word.isupper() and len(word) > 1):
            previous_end = -1
            continue
        if initial and not (followed or (word.isupper() and len(word) > 1) or any(same_name(key, x) for x in known)):
            previous_end = -1
            continue
        if runs and previous_end >= 0 and text[previous_end:start].strip() == "":
            runs[-1].append((word, key, start, end))
        else:
            runs.append([(word, key, start, end)])
        previous_end = end
    out = []
    for run in runs:
        keys = [k for _, k, *_ in run]
        if len(keys) > 1:
            keys.append("".join(keys))  # "Pro Bowl" meets "Пробоул"
        out.append(Name(" ".join(w for w, *_ in run), keys, run[0][2], run[-1][3]))
    return out


def known_names(text: str) -> set[str]:
    """Keys of the words a text capitalises where a sentence does not start: its names."""
    keys = set()
    for m in _TOKEN.finditer(text):
        before = text[: m.start()].rstrip()
        word = m.group(0)
        if word[:1].isupper() and before and before[-1] not in ".!?:;\n–—-…":
            keys.add(name_key(word))
    return keys


def words_of(text: str) -> list[tuple[str, int, int]]:
    """Every word with its span."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
