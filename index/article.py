"""The article as numbered, citable paragraphs.

Paragraph numbers are 1-based in reading order and never change for the same text; the
display text is kept exactly (non-breaking spaces and all). Headings become section
context, navigation lines are dropped, title/date/source become metadata.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from index.readers import ATTRIBUTION, ArticleError, Block, RawArticle, read_article_file, read_bytes_article
from index.text import detect_language, sentence_spans

DEFAULT_ARTICLE = Path(__file__).resolve().parent / "articles" / "tokayev-wp-2022-12-01.uk.txt"

ParagraphKind = Literal["title", "meta", "body", "list_item"]
# The story itself: what is answered from, summarised and checked (titles and date/source lines are metadata).
BODY_KINDS: frozenset[ParagraphKind] = frozenset({"body", "list_item"})


class Paragraph(BaseModel):
    number: int
    text: str
    kind: ParagraphKind = "body"
    section: str | None = None

    @property
    def search_text(self) -> str:
        """What retrieval sees: the section heading gives short paragraphs their topic."""
        return f"{self.section}. {self.text}" if self.section else self.text

    @property
    def is_body(self) -> bool:
        return self.kind in BODY_KINDS


class ArticleMeta(BaseModel):
    title: str | None = None
    published: str | None = None
    source: str | None = None
    language: str = "other"


class Article(BaseModel):
    id: str
    path: str | None = None
    content_hash: str
    meta: ArticleMeta
    paragraphs: list[Paragraph]

    def paragraph(self, number: int) -> Paragraph:
        if 1 <= number <= len(self.paragraphs):
            return self.paragraphs[number - 1]
        raise KeyError(number)


# Lines that belong to the site, not the story ("read in Russian", "interesting: ...", "on the topic").
_NAVIGATION = re.compile(
    r"^[\s\u00a0]*(?:"
    r"Читать (?:новость|статью) на|Читати (?:новину|статтю) (?:на|українською)|Read (?:in|this in) |"
    r"Читайте (?:також|также|нас)|Читати також|Дивіться також|Смотрите также|Read (?:also|more)|See also|"
    r"Цікаво(?:[\s\u00a0]*[:–—-]|[\s\u00a0]+(?=\w))(?![\s\u00a0]*,)|Интересно[\s\u00a0]*[:–—-]|"
    r"До теми[\s\u00a0]*(?:[:–—-]|$)|По теме[\s\u00a0]*(?:[:–—-]|$)|Related[\s\u00a0]*:|"
    r"Підписуйтесь|Подписывайтесь|Subscribe to|Поділитися|Поделиться|Share this"
    r")",
    re.IGNORECASE,
)
_MONTHS = (
    r"січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|грудня|"
    r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE_LINE = re.compile(
    rf"^[\s\u00a0]*(?:\d{{1,2}}[\s\u00a0]+(?:{_MONTHS})[\s\u00a0]+\d{{4}}|(?:{_MONTHS})[\s\u00a0]+\d{{1,2}},?[\s\u00a0]+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})"
    r"(?:,?[\s\u00a0]+(?:о[\s\u00a0]+|в[\s\u00a0]+|at[\s\u00a0]+)?\d{1,2}:\d{2})?[\s\u00a0]*$",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(r"^[\s\u00a0]*(Джерело|Источник|Source|Автор|Author|By)[\s\u00a0]*:[\s\u00a0]*(.*)$", re.IGNORECASE)


def _is_heading(block: Block, following: Block | None) -> bool:
    text = block.text.strip(" \u00a0")
    if block.kind == "heading":
        return True
    if block.kind != "text" or "\n" in text or following is None:
        return False
    return len(text.split()) <= 14 and not re.search(r"[.!?:;…,]$", text) and len(following.text) > len(text)


def _looks_like_title(block: Block) -> bool:
    text = block.text.strip(" \u00a0")
    return block.kind == "text" and "\n" not in text and len(text.split()) <= 30 and not text.endswith(".")


def build_article(raw: RawArticle, content: str, path: str | None = None, article_id: str | None = None) -> Article:
    meta = ArticleMeta(title=raw.title, published=raw.published, source=raw.source)
    paragraphs: list[Paragraph] = []
    section: str | None = None
    blocks = [b for b in _split_lines(raw.blocks) if not _NAVIGATION.match(b.text)]

    def add(text: str, kind: ParagraphKind, sec: str | None = None) -> None:
        paragraphs.append(Paragraph(number=len(paragraphs) + 1, text=text, kind=kind, section=sec))

    i = 0
    while i < len(blocks):
        block, nxt = blocks[i], blocks[i + 1] if i + 1 < len(blocks) else None
        i += 1
        text = block.text
        at_top = not any(p.is_body for p in paragraphs)
        if block.kind == "title" or (not paragraphs and _looks_like_title(block)):
            meta.title = meta.title or text.strip()
            add(text, "title")
            continue
        if at_top and _DATE_LINE.match(text):
            meta.published = meta.published or text.strip(" \u00a0")
            add(text, "meta")
            continue
        label = _SOURCE_LABEL.match(text) if at_top and "\n" not in text else None
        if label:
            value = label.group(2).strip(" \u00a0")
            if not value and nxt is not None and "\n" not in nxt.text and len(nxt.text) < 80:
                value, text, i = nxt.text.strip(" \u00a0"), f"{text.rstrip()} {nxt.text.strip()}", i + 1
            meta.source = meta.source or value
            add(text, "meta")
            continue
        if _is_heading(block, nxt):
            section = text.strip(" \u00a0")
            continue
        add(text, "list_item" if block.kind == "list_item" else "body", section)
    if not any(p.is_body for p in paragraphs):
        raise ArticleError("The article has no paragraphs of text.")
    body = " ".join(p.text for p in paragraphs if p.kind != "meta")
    meta.language = detect_language(body[:5000])
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    return Article(id=article_id or digest[:12], path=path, content_hash=digest, meta=meta, paragraphs=paragraphs)


def _split_lines(blocks: list[Block]) -> list[Block]:
    """Inside a plain-text block, navigation and date lines stand alone and an attribution
    line joins the quote above it; other lines are soft wraps of one paragraph."""
    out: list[Block] = []
    for block in blocks:
        if block.kind != "text" or len(block.lines) < 2:
            out.append(block)
            continue
        current: list[str] = []
        for line in block.lines:
            standalone = bool(_NAVIGATION.match(line) or _DATE_LINE.match(line))
            if standalone:
                if current:
                    out.append(Block("\n".join(current), "text", current))
                out.append(Block(line, "text", [line]))
                current = []
            else:
                current.append(line)
        if current:
            out.append(Block("\n".join(current), "text", current))
    return out


def slug(name: str) -> str:
    s = re.sub(r"[^\w.-]+", "-", name, flags=re.UNICODE).strip("-.").lower()
    return s[:80] or "article"


def load_article(path: Path, max_bytes: int = 20_000_000, article_id: str | None = None) -> Article:
    raw, content = read_article_file(path, max_bytes)
    return build_article(raw, content, str(path), article_id or slug(path.stem))


def article_from_bytes(data: bytes, name: str, article_id: str | None = None) -> Article:
    raw, content = read_bytes_article(data, name)
    return build_article(raw, content, None, article_id)


def quotable_sentences(paragraph: Paragraph) -> list[tuple[int, int, str]]:
    """Sentences that can stand as a quote, as (start, end, text) of the paragraph text.

    A quote's attribution line ("– розповів ...") stays with the sentence it attributes, and a
    trailing "X:" whose list is missing says nothing, so it is never quoted alone."""
    text = paragraph.text
    out: list[tuple[int, int, str]] = []
    spans = sentence_spans(text)
    for k, s in enumerate(spans):
        if out and ATTRIBUTION.match(s.text) and "\n" in text[out[-1][1] : s.start]:
            start = out[-1][0]
            out[-1] = (start, s.end, text[start : s.end])
            continue
        if s.text.rstrip(" \u00a0").endswith(":") and k == len(spans) - 1:
            continue
        out.append((s.start, s.end, s.text))
    return out


__all__ = [
    "DEFAULT_ARTICLE",
    "Article",
    "ArticleError",
    "ArticleMeta",
    "Paragraph",
    "article_from_bytes",
    "build_article",
    "load_article",
    "quotable_sentences",
    "slug",
]
