"""The words the offline answerer wraps around quotes, in the asker's language."""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\s*\n\s*")

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "says": "The article says:",
        "partial": "The article does not answer the other part of the question.",
        "refuse": "The article does not answer this question.",
        "meta_published": "The article was published:",
        "meta_source": "The article's source:",
        "meta_title": "The article's title:",
        "summary": "The article in {n} points, quoted from it:",
        "summary_one": "The article in brief, quoted from it:",
        "summary_model": "The article in {n} points:",
        "summary_model_one": "The article in brief:",
        "summary_simple": "The article's key points in its shortest sentences (quoted, not simplified):",
        "supported": "supported",
        "contradicted": "contradicted",
        "not_in_article": "not in the article",
        "not_verified": "not verified",
        "instead": "The article says:",
        "closest": "Closest:",
        "check_method": "Checked offline by comparing names, numbers, dates and negation with the closest sentences.",
    },
    "uk": {
        "says": "У статті сказано:",
        "partial": "На другу частину питання стаття не відповідає.",
        "refuse": "У статті немає відповіді на це питання.",
        "meta_published": "Статтю опубліковано:",
        "meta_source": "Джерело статті:",
        "meta_title": "Заголовок статті:",
        "summary": "Стаття в {n} пунктах, цитатами з неї:",
        "summary_one": "Стаття коротко, цитатами з неї:",
        "summary_model": "Стаття в {n} пунктах:",
        "summary_model_one": "Стаття коротко:",
        "summary_simple": "Головне зі статті її найкоротшими реченнями (цитати, не спрощення):",
        "supported": "підтверджено",
        "contradicted": "суперечить статті",
        "not_in_article": "у статті цього немає",
        "not_verified": "не перевірено",
        "instead": "У статті сказано:",
        "closest": "Найближче:",
        "check_method": "Перевірено офлайн: імена, числа, дати й заперечення порівняно з найближчими реченнями.",
    },
    "ru": {
        "says": "В статье сказано:",
        "partial": "На вторую часть вопроса статья не отвечает.",
        "refuse": "В статье нет ответа на этот вопрос.",
        "meta_published": "Статья опубликована:",
        "meta_source": "Источник статьи:",
        "meta_title": "Заголовок статьи:",
        "summary": "Статья в {n} пунктах, цитатами из неё:",
        "summary_one": "Статья кратко, цитатами из неё:",
        "summary_model": "Статья в {n} пунктах:",
        "summary_model_one": "Статья кратко:",
        "summary_simple": "Главное из статьи её самыми короткими предложениями (цитаты, не упрощение):",
        "supported": "подтверждено",
        "contradicted": "противоречит статье",
        "not_in_article": "в статье этого нет",
        "not_verified": "не проверено",
        "instead": "В статье сказано:",
        "closest": "Ближайшее:",
        "check_method": "Проверено офлайн: имена, числа, даты и отрицания сравнены с ближайшими предложениями.",
    },
}


def phrase(language: str, key: str) -> str:
    return PHRASES.get(language, PHRASES["en"])[key]


def quoted(text: str, paragraph: int) -> str:
    """A quote on one line with the number of its paragraph. Only line breaks become spaces: the
    rest stays verbatim (no-break spaces too), so the quote is found in the article as written."""
    return f"«{_LINE_BREAK.sub(' ', text)}» [¶{paragraph}]"
