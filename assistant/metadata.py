"""Questions about the article itself (when published, which source, what title) are
answered from the date, source and title paragraphs, which retrieval never ranks."""

from __future__ import annotations

import re

from index.article import Article, Paragraph

_INTENTS = {
    "published": re.compile(
        r"\b(when|what date|date)\b.*\b(publish|post|writt|releas)|\bpublication date\b|"
        r"коли.*(опублік|вийшл|написан|надрук)|дата (публікації|статті)|"
        r"когда.*(опублик|вышл|написан)|дата (публикации|статьи)",
        re.I,
    ),
    "source": re.compile(
        r"\b(source|who (wrote|published|reported)|which (outlet|newspaper|publication))\b|"
        r"джерел|хто (написав|опублікував)|яке видання|источник|кто (написал|опубликовал)|какое издание",
        re.I,
    ),
    "title": re.compile(r"\b(title|headline)\b|заголов|назва статті|название статьи", re.I),
}


def metadata_paragraph(question: str, article: Article) -> tuple[str, Paragraph] | None:
    for intent, pattern in _INTENTS.items():
        if pattern.search(question):
            para = _find(article, intent)
            if para is not None:
                return intent, para
    return None


def _find(article: Article, intent: str) -> Paragraph | None:
    value = {"published": article.meta.published, "source": article.meta.source, "title": article.meta.title}[intent]
    if not value:
        return None
    for p in article.paragraphs:
        if not p.is_body and value in p.text:
            return p
    return None
