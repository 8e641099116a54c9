"""Text helpers shared by parsing, retrieval and answering: search normalisation,
sentence spans with exact offsets, and word tokens for lexical scoring."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", "ʹ": "'"})
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b]+")
_WORD = re.compile(r"[^\W_]+(?:['’ʼ][^\W_]+)*", re.UNICODE)


def normalize(text: str) -> str:
    """Search form: NFKC, one kind of apostrophe and space, lower case. Never shown to users."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip().lower().replace("ё", "е")


def words(text: str) -> list[str]:
    return _WORD.findall(normalize(text))


# Ukrainian, Russian and English spellings of one name or root meet in one Latin key:
# "Україні"/"Украине" -> "ukraini"/"ukraine", "Ердоган"/"Эрдоган"/"Erdogan" -> "erdogan".
# Kept hand-written: anyascii writes є as "ie", so Ukrainian and Russian spellings part ways
# ("Токаєв"/"Токаев"; BM25 terms equal for 13 of 31 uk/ru name pairs, not 26) and fewer news facts
# were cited right (105 of 162, not 107): docs/benchmarks.md, "Libraries in place of hand-written code".
_FOLD = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "e",
        "э": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "і": "i",
        "ї": "i",
        "ы": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ь": "",
        "ъ": "",
        "ю": "iu",
        "я": "ia",
        "'": "",
        "y": "i",
        "h": "kh",
        "x": "ks",
        "w": "v",
        "q": "k",
        "c": "k",
    }
)


# Latin digraphs read as the one Cyrillic letter they transliterate, before the letters are
# mapped one by one: otherwise Latin "h" becomes "kh" inside them ("Shevchuk" -> "skhevkhuk").
_LATIN_DIGRAPHS = re.compile(r"shch|sh|ch|zh|kh")
_DIGRAPH_LETTER = {"shch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х"}


def fold(word: str) -> str:
    """A script-blind key for lexical matching only (never shown, never quoted)."""
    key = _LATIN_DIGRAPHS.sub(lambda m: _DIGRAPH_LETTER[m.group()], word).translate(_FOLD)
    return key.replace("kkh", "kh").replace("tskh", "ch").replace("shkh", "sh")


def stem(word: str) -> str:
    """Prefix stemming: crude, but it tames Ukrainian and Russian inflection for BM25, and a prefix
    meets across scripts where a lemma does not ("ukrain-"). pymorphy3 and simplemma lemmas in its
    place cited fewer news facts right (104 and 105 of 162, not 107) and lowered XQuAD retrieval;
    docs/benchmarks.md, "Libraries in place of hand-written code"."""
    return word[:6] if len(word) > 6 else word


def terms(text: str) -> list[str]:
    return [stem(fold(w)) for w in words(text) if len(w) > 1]


def key_terms(text: str) -> set[str]:
    """The terms of a question or claim that carry its meaning (longer than two letters)."""
    return {t for t in terms(text) if len(t) > 2}


def term_overlap(asked: set[str], found: set[str]) -> float:
    """The share of the asked terms that `found` holds; 0 when nothing is asked."""
    return len(asked & found) / len(asked) if asked else 0.0


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


_ABBREVIATIONS = set(
    [
        "apr",
        "aug",
        "dec",
        "dr",
        "e.g",
        "etc",
        "feb",
        "i.e",
        "inc",
        "jan",
        "jr",
        "jul",
        "jun",
        "ltd",
        "mar",
        "mr",
        "mrs",
        "ms",
        "no",
        "nov",
        "oct",
        "prof",
        "sep",
        "sept",
        "sr",
        "st",
        "u.s",
        "vs",
        "акад",
        "вул",
        "г",
        "гг",
        "грн",
        "див",
        "др",
        "им",
        "м",
        "млн",
        "млрд",
        "напр",
        "пр",
        "проф",
        "р",
        "рр",
        "ст",
        "т",
        "тис",
        "тыс",
    ]
)
# A sentence ends at . ! ? … (with closing quotes/brackets) followed by space and an
# upper-case letter, a digit, a quote or a dash; or at a line break.
_BOUNDARY = re.compile(r"([.!?…]+[\"»”’)\]]*)(?=[\s\u00a0]+[\"«“(\[–—-]?[\s\u00a0]*[\dA-ZА-ЯЁІЇЄҐ])|\n+")


def sentence_spans(text: str) -> list[Span]:
    """Split into sentences, keeping exact offsets so every quote is a substring of the paragraph."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(1) and m.group(1).startswith(".") and _is_abbreviation(text[start : m.start(1)]):
            continue
        end = m.end(1) if m.group(1) else m.start()
        _add_span(spans, text, start, end)
        start = m.end()
    _add_span(spans, text, start, len(text))
    return spans


def _is_abbreviation(before: str) -> bool:
    """A period after an initial ("В. Путін") or a known abbreviation does not end a sentence."""
    last = re.search(r"([^\W\d_]+)$", before)
    if not last:
        return False
    token = last.group(1)
    return (len(token) == 1 and token.isupper()) or token.lower() in _ABBREVIATIONS


def _add_span(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start] in " \t\u00a0\n":
        start += 1
    while end > start and text[end - 1] in " \t\u00a0\n":
        end -= 1
    if end > start and re.search(r"\w", text[start:end]):
        spans.append(Span(start, end, text[start:end]))


_UK_ONLY = set("іїєґ")
_RU_ONLY = set("ыэъё")
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґ][а-яёіїєґ'’ʼ-]*")


@lru_cache(maxsize=2)
def _dictionary(language: str):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=65536)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a Ukrainian or Russian word by pymorphy3 ("балами" -> "бал"); any
    other word lower-cased as it is."""
    w = normalize(word)
    if language in ("uk", "ru") and _CYRILLIC_WORD.fullmatch(w):
        return _dictionary(language).parse(w)[0].normal_form
    return w


def detect_language(text: str) -> str:
    """uk / ru / en / other. Cyrillic text is Ukrainian or Russian by the letters only one of them
    has and by the words only one of the two dictionaries (pymorphy3's uk and ru) knows:
    "Яке населення" is Ukrainian though it has no і/ї/є/ґ. Names in Latin letters inside a
    Cyrillic question do not make it English."""
    cyr, lat = _script_words(text)  # the question's own words decide, not the letters of a long name
    if cyr == 0 and lat == 0:
        return "other"
    first = re.search(r"[^\W\d_]", unicodedata.normalize("NFKC", text))
    if cyr < lat and not (first and "\u0400" <= first.group().lower() <= "\u04ff"):
        return "en"
    uk, ru = uk_ru_evidence(text)
    # Ukrainian writes і/ї/є where Russian has и/е, so Cyrillic text with no Ukrainian cue is Russian.
    return "uk" if uk > ru else "ru"


_SCRIPT_WORD = re.compile(r"[^\W\d_]+")


def _script_words(text: str) -> tuple[int, int]:
    """Cyrillic and Latin words, leaving out capitalised ones after the first (names, mostly:
    "What did Оксана Левадна say?" is English by its words, though most of its letters are Cyrillic)."""
    cyr = lat = 0
    for k, m in enumerate(_SCRIPT_WORD.finditer(unicodedata.normalize("NFKC", text)[:2000])):
        word = m.group()
        if k and word[0].isupper():
            continue
        cyr += "\u0400" <= word[0].lower() <= "\u04ff"
        lat += "a" <= word[0].lower() <= "z"
    return cyr, lat


def uk_ru_evidence(text: str) -> tuple[int, int]:
    """How much of a Cyrillic text only Ukrainian, and only Russian, would write: two points a
    letter one of them lacks, one a word one dictionary knows and the other does not. Equal
    counts ("Казахстан вступить до НАТО") mean the text reads as either."""
    raw = unicodedata.normalize("NFKC", text).lower()
    uk = 2 * sum(1 for c in raw if c in _UK_ONLY)
    ru = 2 * sum(1 for c in raw if c in _RU_ONLY)
    words = dict.fromkeys(_CYRILLIC_WORD.findall(raw[:2000]))
    uk_dict, ru_dict = _dictionary("uk"), _dictionary("ru")
    for w in words:
        in_uk, in_ru = uk_dict.word_is_known(w), ru_dict.word_is_known(w)
        uk += in_uk and not in_ru
        ru += in_ru and not in_uk
    return uk, ru
