"""The parts of a claim that can be checked without a language model, in uk, ru and en:
names and places (across scripts), numbers, months, and negation.

Everything here is lexical and deliberately small; `claims.py` decides what the parts mean."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.text import fold, normalize

# Common places and peoples whose spellings differ too much across the three languages for the
# script-blind key to meet ("Росія"/"Russia", "Китай"/"China", "Пекін"/"Beijing"). Keys are
# prefixes of folded words.
_ALIASES: dict[str, tuple[str, ...]] = {
    "russia": ("russ", "rosi", "ross", "rf"),
    "china": ("khin", "kita", "knr", "prc"),
    "germany": ("germa", "nimech", "nemets", "frg"),
    "france": ("frank", "frants"),
    "turkey": ("turk", "turech", "turts"),
    "europe": ("europ", "evrop", "eu", "es"),
    "usa": ("ssha", "usa", "us", "amerik"),
    "japan": ("japan", "iapon", "japon"),
    "ukraine": ("ukrain",),
    "kazakhstan": ("kazakh",),
    "beijing": ("beiji", "pekin"),
    "moscow": ("mosk",),
    "xi": ("si", "ksi", "tszinpin", "jinpin", "dzhinpin"),
    "tokayev": ("tokai", "tokae"),
}
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "січ", "январ"),
    2: ("february", "feb", "лют", "феврал"),
    3: ("march", "берез", "март"),
    4: ("april", "квіт", "апрел"),
    5: ("may", "травн", "травен", "мая", "май"),
    6: ("june", "червн", "червен", "июн"),
    7: ("july", "липн", "липен", "июл"),
    8: ("august", "серпн", "серпен", "август"),
    9: ("september", "sept", "верес", "сентябр"),
    10: ("october", "oct", "жовт", "октябр"),
    11: ("november", "nov", "листопад", "ноябр"),
    12: ("december", "dec", "груд", "декабр"),
}
NUMBER_WORDS: dict[str, int] = {
    **dict.fromkeys(("one", "один", "одна", "одно", "одним", "одному"), 1),
    **dict.fromkeys(("two", "два", "дві", "две", "двох", "двух"), 2),
    **dict.fromkeys(("three", "три", "трьох", "трёх", "трех"), 3),
    **dict.fromkeys(("four", "чотири", "четыре", "чотирьох", "четырёх", "четырех"), 4),
    **dict.fromkeys(("five", "п'ять", "пять", "п'яти", "пяти"), 5),
    **dict.fromkeys(("six", "шість", "шесть", "шести", "шістьох"), 6),
    **dict.fromkeys(("seven", "сім", "семь", "семи", "сімох"), 7),
    **dict.fromkeys(("eight", "вісім", "восемь", "восьми"), 8),
    **dict.fromkeys(("nine", "дев'ять", "девять", "дев'яти", "девяти"), 9),
    **dict.fromkeys(("ten", "десять", "десяти"), 10),
    **dict.fromkeys(("twenty", "двадцять", "двадцать"), 20),
    **dict.fromkeys(("hundred", "сто"), 100),
}
# Words that turn a statement around. Presence is compared, not counted: "not Russia ... will not
# bow" and "it was not Russia" agree.
_NEGATION = re.compile(
    r"\b(?:not|no|never|n't|cannot|refus\w*|declin\w*|stop\w*|ceas\w*|neither|nor|without"
    r"|не|ні|ни|нет|ніколи|никогда|без|відмов\w*|отказ\w*|перестан\w*|перестал\w*|перестав\w*|припин\w*|прекрат\w*"
    r"|жоден|жодн\w*|никак\w*)\b|n't\b",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(
    r"^\s*(?:(?:the\s+)?article\s+(?:says|claims|states|reports)(?:\s+that)?|according\s+to\s+the\s+article,?"
    r"|(?:у|в)\s+статт[іи]\s+(?:сказано|йдеться|говориться|стверджується|пишуть)(?:,?\s*(?:що|что))?"
    r"|(?:в\s+)?стать[еяи]\s+(?:сказано|говорится|утверждается|пишут)(?:,?\s*что)?"
    r"|стаття\s+стверджує(?:,?\s*що)?|статья\s+утверждает(?:,?\s*что)?)\s*[:,]?\s*",
    re.IGNORECASE,
)
_SOFT_C = re.compile(r"c(?=[eiy])")  # Latin "Central" meets "Центральна", as "Macron" meets "Макрон"
_TITLES = {"st", "mr", "mrs", "ms", "dr", "sir", "president", "prime", "minister", "the", "a", "an"}
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ-][^\W_]+)*", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")


def strip_preamble(claim: str) -> str:
    """ "The article says Tokayev met Macron" -> "Tokayev met Macron": the frame is not the claim."""
    core = _PREAMBLE.sub("", claim, count=1).strip()
    return core[:1].upper() + core[1:] if core else claim.strip()


def name_key(word: str) -> str:
    """One key for a name in any of the three scripts: an alias when one is known, else the
    script-blind fold."""
    key = fold(_SOFT_C.sub("ts", normalize(word)))
    for canonical, prefixes in _ALIASES.items():
        if any(key == p if len(p) <= 3 else key.startswith(p) for p in prefixes):
            return canonical
    return key


def same_name(a: str, b: str) -> bool:
    """Keys meet when one is the other inflected: a common prefix of 5+ letters, or of 4 that
    leaves at most 3 letters of the shorter key ("parizhi"/"paris", "makronom"/"makron")."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 or (n >= 4 and n >= min(len(a), len(b)) - 3)


@dataclass
class Checkable:
    """Names are groups of capitalised words ("Emmanuel Macron"): one matched word matches the group."""

    names: list[tuple[str, list[str]]] = field(default_factory=list)
    numbers: set[float] = field(default_factory=set)
    months: set[int] = field(default_factory=set)
    month_words: list[str] = field(default_factory=list)
    negated: bool = False


def _numbers(text: str) -> set[float]:
    found = {float(m.group(0).replace(",", ".")) for m in _DIGITS.finditer(text)}
    for token in _TOKEN.findall(normalize(text)):
        if token in NUMBER_WORDS:
            found.add(float(NUMBER_WORDS[token]))
    return found


def month_words(text: str) -> list[tuple[str, int]]:
    """(word as written, month number) for every month named in the text."""
    found = []
    for m in _TOKEN.finditer(text):
        token = normalize(m.group(0))
        if token == "may" and not re.search(r"(?:\bin|\d)\s*$", text[: m.start()], re.I) and not re.match(r"\s*\d", text[m.end() :]):
            continue  # the verb, not the month
        for month, stems in _MONTHS.items():
            if any(token.startswith(s) for s in stems):
                found.append((m.group(0), month))
    return found


def _months(text: str) -> set[int]:
    return {month for _, month in month_words(text)}


def _name_groups(text: str, known: set[str]) -> list[tuple[str, list[str]]]:
    """Runs of capitalised words ("Emmanuel Macron", "European Union"); a run of names the article
    knows each on its own is split ("В Париже Токаев": two names). A sentence's first word counts
    only when it is a known name or an alias ("Tokayev met", not "Border of"); titles never do."""
    runs: list[list[tuple[str, str]]] = []
    previous_end = -1
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        before = text[: m.start()].rstrip()
        if not word[:1].isupper() or word.isdigit() or _months(word) or normalize(word) in _TITLES:
            continue
        key = name_key(word)
        is_known = key in _ALIASES or any(same_name(key, k) for k in known)
        if (not before or before[-1] in ".!?:;") and not is_known:
            continue
        if runs and text[previous_end : m.start()].strip() == "":
            runs[-1].append((word, key))
        else:
            runs.append([(word, key)])
        previous_end = m.end()
    groups: list[tuple[str, list[str]]] = []
    for run in runs:
        if len(run) > 1 and all(k in _ALIASES or any(same_name(k, x) for x in known) for _, k in run):
            groups += [(w, [k]) for w, k in run]
        else:
            groups.append((" ".join(w for w, _ in run), [k for _, k in run]))
    return groups


def checkable(text: str, known_names: set[str] | None = None) -> Checkable:
    return Checkable(
        names=_name_groups(text, known_names or set()),
        numbers=_numbers(text),
        months=_months(text),
        month_words=[w for w, _ in month_words(text)],
        negated=bool(_NEGATION.search(normalize(text))),
    )


def name_keys(text: str) -> set[str]:
    """Every word of a text as a name key, for "does this passage mention X?"."""
    return {name_key(w) for w in _TOKEN.findall(text) if len(w) > 1}


def known_names(text: str) -> set[str]:
    """Keys of the words a text capitalises where a sentence does not start: its names."""
    keys = set(_ALIASES)
    for m in _TOKEN.finditer(text):
        before = text[: m.start()].rstrip()
        word = m.group(0)
        if word[:1].isupper() and before and before[-1] not in '.!?:;\n«"–—-':
            keys.add(name_key(word))
    return keys


def mentions(keys: set[str], group: list[str]) -> bool:
    """Every word of a name must be there: "European Union" is not "Europe"."""
    return all(any(same_name(g, k) for k in keys) for g in group)
