"""Questions about the article itself (when published, which source, what title) are
answered from the date, source and title paragraphs, which retrieval never ranks."""

from __future__ import annotations

import re

from index.article import Article, Paragraph

_INTENTS = {
    "published": re.compile(
        r"\b(when|what date|date)\b.*\b(publish|post|writt|releas)|\bpublication date\b|\bdate of (the )?publication\b|"
        r"\bwhen did (it|(the|this) (article|story|piece))\s+(come out|appear)|"
        r"коли.*(опублік|вийшл|написан|надрук)|дата (публікації|статті)|"
        r"когда.*(опублик|вышл|написан)|дата (публикации|статьи)",
        re.I,
    ),
    "source": re.compile(
        r"\b(source|who (wrote|published|reported)|which (outlet|newspaper|publication))\b|"
        r"\bauthors? of (the|this) (article|story|piece|text)\b|\bwho is the author\W*$|"
        r"джерел|хто (написав|опублікував)|яке видання|автор(ом|и)? (статті|матеріалу|тексту)|хто автор\W*$|"
        r"источник|кто (написал|опубликовал)|какое издание|автор(ом|ы)? (статьи|материала|текста)|кто автор\W*$",
        re.I,
    ),
    "title": re.compile(
        r"\b(title|headline)\b|\bwhat is the (article|story) called\b|заголов|назва статті|як називається (стаття|матеріал)|"
        r"название статьи|как называется (статья|материал)",
        re.I,
    ),
}


# The question must be about the article itself: name it ("the article", "статтю", "it"), name a
# publication, or be too short to be about anything else ("What is the title?"). Without this,
# "Who wrote the poem?" or "What was the title of the song?" were answered with the article's
# source or title line.
_ABOUT_ARTICLE = re.compile(
    r"\b(article|story|piece|text|news|it|publication|newspaper|outlet)\b|\bthis\W*$|"
    r"стат[тейьіюя]|матеріал|матери|текст|новин|публікац|публикац|видання|издани|\b(це|цю|цей|это|эту|этот)\b",
    re.I,
)
SHORT_QUESTION_WORDS = 4


def _about_article(question: str) -> bool:
    return bool(_ABOUT_ARTICLE.search(question)) or len(re.findall(r"[^\W\d_]+", question)) <= SHORT_QUESTION_WORDS


def metadata_paragraph(question: str, article: Article) -> tuple[str, Paragraph] | None:
    if not _about_article(question):
        return None
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
