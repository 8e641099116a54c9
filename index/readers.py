"""Turning article files (.txt, .md, .html) into typed blocks.

Readers only find structure (title, headings, list items, paragraphs); deciding what is a
citable paragraph is `index.article`'s job.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# What an article file may be: plain text, Markdown or HTML.
ARTICLE_SUFFIXES = (".txt", *MARKDOWN_SUFFIXES, *HTML_SUFFIXES)


class ArticleError(ValueError):
    """A file that cannot be read as an article; the message is shown to the user as is."""


@dataclass
class Block:
    text: str
    kind: str = "text"  # text | title | heading | list_item | meta_date | meta_source
    lines: list[str] = field(default_factory=list)


@dataclass
class RawArticle:
    blocks: list[Block]
    title: str | None = None
    published: str | None = None
    source: str | None = None


def decode(data: bytes, name: str = "the file") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with or without BOM), or cp1251; refuse binary data.
    KOI8-R/U is read as cp1251 (mojibake): its bytes are cp1251 letters too. charset-normalizer reads
    KOI8, but misreads short cp1251 text ("Київ" as Big5) and takes more tiny random blobs for text,
    so it is not used (docs/benchmarks.md, "Libraries in place of hand-written code")."""
    if not data.strip():
        raise ArticleError(f"{name} is empty.")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _check_text(data.decode(enc, errors="replace"), name)
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is not None:
            return _check_text(text, name)
        raise ArticleError(f"{name} looks like a binary file, not text.")
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="strict") if _is_cp1251(data) else None
    if text is None:
        raise ArticleError(f"{name} is not UTF-8, UTF-16 or cp1251 text.")
    return _check_text(text, name)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: one byte order reads as letters of the scripts
    articles use, the other as scattered symbols (Cyrillic has no zero bytes to go by)."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        head = data[:4096].decode(encoding, errors="replace")
        if sum(_readable(c) for c in head) >= 0.9 * len(head):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:  # a broken surrogate further on: not text after all
                return None
    return None


def _readable(c: str) -> bool:
    """Whitespace, printable ASCII, Latin-1 to Cyrillic, or typographic punctuation."""
    o = ord(c)
    return c in "\n\r\t" or 0x20 <= o < 0x7F or 0xA0 <= o < 0x530 or 0x2010 <= o < 0x2070


def _is_cp1251(data: bytes) -> bool:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return False
    letters = sum(c.isalpha() for c in text)
    return letters > 0.5 * len(text.replace(" ", "").replace("\n", "") or "x")


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise ArticleError(f"{name} is empty.")
    control = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if control > 0.01 * len(text) or text.count("\ufffd") > 0.05 * len(text):
        raise ArticleError(f"{name} looks like a binary file, not text.")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")


def read_article_file(path: Path, max_bytes: int) -> tuple[RawArticle, str]:
    """Read and parse a file by its extension; returns the blocks and the decoded text."""
    if not path.exists():
        raise ArticleError(f"Article file not found: {path}")
    if not path.is_file():
        raise ArticleError(f"Not a file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleError(f"{path.name} is {size:,} bytes; the limit is {max_bytes:,} (ARTICLE_CHAT_MAX_ARTICLE_BYTES).")
    text = decode(path.read_bytes(), path.name)
    return parse_text(text, path.suffix.lower()), text


def parse_text(text: str, suffix: str = ".txt") -> RawArticle:
    if suffix in HTML_SUFFIXES or (suffix not in MARKDOWN_SUFFIXES and _looks_html(text)):
        return parse_html(text)
    if suffix in MARKDOWN_SUFFIXES:
        return parse_markdown(text)
    return parse_plain(text)


def _looks_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<p>" in head and "</p>" in head)


_BULLET = re.compile(r"^[ \t\u00a0]*(?:[•·▪●◦‣\-*–](?=[ \t\u00a0])|\d{1,3}[.)](?=[ \t\u00a0]))[ \t\u00a0]*")


def parse_plain(text: str) -> RawArticle:
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [ln.rstrip(" \t") for ln in chunk.split("\n") if ln.strip(" \t\u00a0")]
        if not lines:
            continue
        lines = _join_attributions(lines)
        if any(_BULLET.match(ln) for ln in lines):
            blocks.extend(_list_items(lines))
        else:
            blocks.append(Block("\n".join(lines), "text", lines))
    return RawArticle(blocks)


# "– розповів політолог ..." under a quote is its attribution, not a list item.
ATTRIBUTION = re.compile(r"^[ \t\u00a0]*[–—-][ \t\u00a0]*[a-zа-яіїєґё]")


def _join_attributions(lines: list[str]) -> list[str]:
    out: list[str] = []
    for ln in lines:
        if out and ATTRIBUTION.match(ln) and not _BULLET.match(out[-1]) and re.search(r"[.!?…\"»”]$", out[-1]):
            out[-1] = out[-1] + "\n" + ln
        else:
            out.append(ln)
    return out


def _list_items(lines: list[str]) -> list[Block]:
    items: list[Block] = []
    for ln in lines:
        m = _BULLET.match(ln)
        if m:
            items.append(Block(ln[m.end() :], "list_item", [ln[m.end() :]]))
        elif items:
            items[-1].text += "\n" + ln.strip(" \t")
            items[-1].lines.append(ln.strip(" \t"))
        else:
            items.append(Block(ln, "text", [ln]))
    return items


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")


def parse_markdown(text: str) -> RawArticle:
    meta: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for line in m.group(1).splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip().strip("\"'")
        text = text[m.end() :]
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            blocks.extend(parse_plain("\n".join(buffer)).blocks)
            buffer.clear()

    for line in text.split("\n"):
        h = _MD_HEADING.match(line)
        if h:
            flush()
            kind = "title" if h.group(1) == "#" and not blocks else "heading"
            blocks.append(Block(h.group(2), kind, [h.group(2)]))
        else:
            buffer.append(re.sub(r"^>[ \t]?", "", line))
    flush()
    return RawArticle(blocks, title=meta.get("title"), published=meta.get("date"), source=meta.get("source"))


class _HtmlBlocks(HTMLParser):
    """Collects visible block text; scripts, styles and page chrome never become paragraphs."""

    SKIP: ClassVar[frozenset[str]] = frozenset(
        ["aside", "button", "footer", "form", "head", "header", "iframe", "nav", "noscript", "script", "select", "style", "svg", "template"]
    )
    BLOCK: ClassVar[frozenset[str]] = frozenset(
        [
            "article",
            "blockquote",
            "body",
            "br",
            "dd",
            "div",
            "dt",
            "figcaption",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "main",
            "ol",
            "p",
            "pre",
            "section",
            "table",
            "td",
            "tr",
            "ul",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self._skip = 0
        self._in_title = False
        self._buf: list[str] = []
        self._kind = "text"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content"):
                self.meta[key] = a["content"]
            return
        if tag == "time" and a.get("datetime"):
            self.meta.setdefault("time", a["datetime"])
        if tag == "title":
            self._in_title = True
        if tag in self.SKIP:
            self._skip += 1
            return
        if tag in self.BLOCK:
            self._flush()
            self._kind = {"li": "list_item", "h1": "title"}.get(tag, "heading" if tag[0] == "h" and tag[1:].isdigit() else "text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in self.BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif not self._skip:
            self._buf.append(data)

    def _flush(self) -> None:
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self._buf)).strip(" ")
        self._buf = []
        if text.strip("\u00a0 "):
            kind = self._kind
            if kind == "title" and any(b.kind == "title" for b in self.blocks):
                kind = "heading"
            self.blocks.append(Block(text, kind, [text]))
        self._kind = "text"


def parse_html(text: str) -> RawArticle:
    parser = _HtmlBlocks()
    parser.feed(text)
    parser.close()
    parser._flush()
    m = parser.meta
    published = m.get("article:published_time") or m.get("datepublished") or m.get("date") or m.get("time")
    source = m.get("og:site_name") or m.get("author")
    title = m.get("og:title") or (parser.title.strip() if parser.title else None)
    return RawArticle(parser.blocks, title=title, published=published, source=source)


def read_bytes_article(data: bytes, name: str) -> tuple[RawArticle, str]:
    """Parse an uploaded or pasted article that has no file on disk."""
    text = decode(data, name)
    return parse_text(text, Path(name).suffix.lower()), text
