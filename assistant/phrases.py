"""The words the offline answerer wraps around quotes, in the asker's language."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "says": "The article says:",
        "refuse": "The article does not answer this question.",
        "meta_published": "The article was published:",
        "meta_source": "The article's source:",
        "meta_title": "The article's title:",
    },
    "uk": {
        "says": "У статті сказано:",
        "refuse": "У статті немає відповіді на це питання.",
        "meta_published": "Статтю опубліковано:",
        "meta_source": "Джерело статті:",
        "meta_title": "Заголовок статті:",
    },
    "ru": {
        "says": "В статье сказано:",
        "refuse": "В статье нет ответа на этот вопрос.",
        "meta_published": "Статья опубликована:",
        "meta_source": "Источник статьи:",
        "meta_title": "Заголовок статьи:",
    },
}


def phrase(language: str, key: str) -> str:
    return PHRASES.get(language, PHRASES["en"])[key]
