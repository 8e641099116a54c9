"""Article, answers and transcripts as text the browser shows but never runs.

Everything that comes from the article, the asker or a model is escaped here: HTML-escaped for the
article panel, and Markdown- plus HTML-escaped for chat messages, so `<script>` or `**` in any of
them is shown as typed. The only markup the page adds is its own citation links."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from assistant.models import AnswerResult, Citation
from index.article import Article
from web.strings import t

QUOTE_SEPARATOR = " ‖ "
_MARKER = re.compile(r"\[¶(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_AUTOLINK = re.compile(r"(?<=\w):(?=//)|(?<=www)\.|@", re.IGNORECASE)  # no bare URL or e-mail becomes a link
_LINE_START = re.compile(r"^(\s*)(\d+)?([#+\-=.)])", re.MULTILINE)
_INDENT = re.compile(r"^[ \t]", re.MULTILINE)  # an indented line would be a code block, its escapes shown


def escape_markdown(text: str) -> str:
    """Shown literally by a Markdown renderer that also accepts HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}\\{m.group(3)}", escaped)
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _INDENT.sub(lambda m: f"&#{ord(m.group(0))};", escaped)
    return _AUTOLINK.sub(lambda m: f"&#{ord(m.group(0))};", escaped)


def citation_link(paragraph: int, quotes: Iterable[str]) -> str:
    """`[¶n](#para-n "quote")`: the page's script scrolls to the paragraph and marks the quotes."""
    title = QUOTE_SEPARATOR.join(" ".join(q.split()) for q in quotes)
    title = html.escape(title, quote=True).replace("\\", "&#92;")
    return f'[¶{paragraph}](#para-{paragraph} "{title}")'


def answer_markdown(answer: str, citations: list[Citation]) -> str:
    """The answer's text escaped, its `[¶n]` markers turned into citation links."""
    quotes: dict[int, list[str]] = {}
    for c in citations:
        quotes.setdefault(c.paragraph, []).append(c.quote)
    parts: list[str] = []
    pos = 0
    for m in _MARKER.finditer(answer):
        parts.append(escape_markdown(answer[pos : m.start()]))
        n = int(m.group(1))
        parts.append(citation_link(n, quotes[n]) if n in quotes else escape_markdown(m.group(0)))
        pos = m.end()
    parts.append(escape_markdown(answer[pos:]))
    return "".join(parts)


def result_markdown(result: AnswerResult, language: str) -> str:
    """The answer, then in plain words what the reader should know about it."""
    text = answer_markdown(result.answer, result.citations)
    notes = []
    if result.refused:
        notes.append(t(language, "refused"))
    if result.unsupported:
        notes.append(t(language, "dropped").format(n=len(result.unsupported)))
    if result.note:
        notes.append(f"{t(language, 'fallback')} {result.note}")
    return text + "".join(f"\n\n*{escape_markdown(n)}*" for n in notes)


def article_html(article: Article) -> str:
    """Numbered exactly as citations number them; section headings shown where a section starts."""
    rows: list[str] = []
    section: str | None = None
    for p in article.paragraphs:
        if p.section and p.section != section:
            rows.append(f'<h2 class="a-section">{html.escape(p.section)}</h2>')
        section = p.section
        rows.append(
            f'<p class="para kind-{p.kind}" id="para-{p.number}" data-n="{p.number}">'
            f'<span class="pnum" aria-hidden="true">{p.number}</span>'
            f'<span class="ptext">{html.escape(p.text)}</span></p>'
        )
    code = article.meta.language or ""
    lang = f' lang="{html.escape(code)}"' if re.fullmatch(r"[a-z]{2,3}", code) and code != "other" else ""
    label = html.escape(display_title(article), quote=True)
    # A scrolling region: focusable, so keyboard readers can scroll it too, and named by its title.
    return f'<div class="article-view" id="article-view"{lang} role="region" tabindex="0" aria-label="{label}">{"".join(rows)}</div>'


def display_title(article: Article, limit: int = 90) -> str:
    """The article's title, or else its first line (pasted text often has no title line)."""
    title = article.meta.title or next((p.text for p in article.paragraphs if p.text.strip()), "") or article.id
    title = " ".join(title.split()[:60])
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def article_heading(article: Article, language: str) -> str:
    return f"**{escape_markdown(display_title(article))}** · {len(article.paragraphs)} {t(language, 'paragraphs')} · `{article.id}`"


def page_title(article: Article, language: str) -> str:
    """The browser tab: the article in use, then the page's name in the interface language."""
    return f"{display_title(article, 60)} · {t(language, 'page_title')}"


def example_questions(article: Article, language: str, limit: int = 4) -> list[tuple[str, str]]:
    """(text, mode) examples that fit any article: a summary request in the reader's language, then
    questions about the article's own section headings (or its title) in the article's language."""
    asked_in = article.meta.language if article.meta.language in ("uk", "ru", "en") else language
    headings: list[str] = []
    for p in article.paragraphs:
        heading = " ".join((p.section or "").split())
        # "Label: value" lines (a date or source the reader's parser kept as a heading) are no topic.
        if heading and heading not in headings and len(heading) <= 80 and ":" not in heading:
            headings.append(heading)
    examples = [(t(language, "ex_summary"), "summary")]
    examples += [(t(asked_in, "ex_heading").format(h=h), "answer") for h in headings[: limit - 1]]
    if len(examples) < 2:
        examples.append((t(asked_in, "ex_title").format(h=display_title(article, 80)), "answer"))
    return examples


def transcript_markdown(article: Article, turns: list[dict], language: str, now: datetime | None = None) -> str:
    """The conversation with each citation's paragraph number and quote, for notes and editors."""
    now = now or datetime.now(UTC)
    title = article.meta.title or article.id
    lines = [
        f"# {t(language, 'download_title')} «{title}»",
        "",
        f"{t(language, 'article')}: `{article.id}` · {t(language, 'exported')} {now:%Y-%m-%d %H:%M} UTC",
    ]
    for n, turn in enumerate(turns, 1):
        mode = turn.get("mode", "answer")
        suffix = f" ({t(language, 'mode_note')}: {t(language, 'mode_' + mode)})" if mode != "answer" else ""
        question = " ".join(turn["question"].split())
        lines += ["", f"## {n}. {question}{suffix}", ""]
        result = turn.get("result")
        if result is None:
            lines.append(f"> {t(language, 'error')}: {turn.get('error') or ''}")
            continue
        lines.append(result["answer"])
        for c in result["citations"]:
            lines += ["", f"- [¶{c['paragraph']}] «{c['quote']}»", f"  - ¶{c['paragraph']}: {c['text']}"]
    return "\n".join(lines) + "\n"


CLAIM_COLUMNS = ("claim", "verdict", "paragraph", "evidence", "article says instead", "reason", "method")


def _claims(turns: list[dict]) -> list[dict]:
    return [c for turn in turns for c in (turn.get("result") or {}).get("claims") or []]


def _claim_row(c: dict, language: str) -> list[str]:
    shown = c["instead"] or (c["evidence"][0] if c["evidence"] else None)
    return [
        c["claim"],
        t(language, f"verdict_{c['verdict']}"),
        f"¶{shown['paragraph']}" if shown else "",
        " / ".join(e["quote"] for e in c["evidence"]),
        c["instead"]["quote"] if c["instead"] else "",
        c["reason"],
        c["method"],
    ]


def claim_rows(turns: list[dict], language: str) -> list[list[str]]:
    """Every claim checked in the conversation, one row each, as plain text."""
    return [_claim_row(c, language) for c in _claims(turns)]


VERDICT_SIGNS = {"supported": "✓", "contradicted": "✗", "not_in_article": "∅", "not_verified": "?"}


def claims_html(turns: list[dict], language: str) -> str:
    """The claims as a table in the interface language: text wraps, each verdict is a coloured word
    (never the colour alone), and on a phone each row becomes a card with its headers beside the cells."""
    names = [t(language, k) for k in ("col_claim", "col_verdict", "col_paragraph_name", "col_evidence")]
    heads = [*names[:2], t(language, "col_paragraph"), names[3]]
    head = "".join(
        f'<th scope="col" class="c{i}" title="{html.escape(n)}">{html.escape(h)}</th>'
        for i, (h, n) in enumerate(zip(heads, names, strict=True))
    )
    body: list[str] = []
    for c in _claims(turns):
        claim, verdict, paragraph, evidence = _claim_row(c, language)[:4]
        key = c["verdict"] if c["verdict"] in VERDICT_SIGNS else "not_verified"
        cells = [
            html.escape(claim),
            f'<span class="verdict v-{key}"><span aria-hidden="true">{VERDICT_SIGNS[key]}</span> {html.escape(verdict)}</span>',
            html.escape(paragraph),
            html.escape(evidence),
        ]
        body.append(
            "<tr>"
            + "".join(f'<td class="c{i}" data-label="{html.escape(n)}">{x}</td>' for i, (x, n) in enumerate(zip(cells, names, strict=True)))
            + "</tr>"
        )
    caption = html.escape(t(language, "claims_table"))
    return f'<table class="claims"><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def claims_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CLAIM_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def claims_markdown(rows: list[list[str]]) -> str:
    """A Markdown table; pipes and line breaks in the text would break its cells."""

    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(CLAIM_COLUMNS) + " |", "|" + "---|" * len(CLAIM_COLUMNS)]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
