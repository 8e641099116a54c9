"""assistant/metadata.py: questions about the article itself find its title, date or source
paragraph; any other question is left to retrieval. Hand-made articles, no model."""

from __future__ import annotations

import pytest

from assistant.metadata import metadata_paragraph
from index.article import Article, ArticleMeta, Paragraph, build_article
from index.readers import parse_text

TEXT = """Мер Левадна відкрила міст через Сулу

12 березня 2024, 10:15

Джерело: Вісник Ліщинська

Мер Оксана Левадна відкрила новий міст через річку Сулу. Будівництво тривало два роки.

Міст коштував 40 млн грн, сказала мер. Коли його відремонтують, не відомо.
"""


@pytest.fixture(scope="module")
def article() -> Article:
    a = build_article(parse_text(TEXT), TEXT, article_id="bridge")
    # The fixture itself: title, date and source lines became metadata paragraphs 1-3.
    assert [p.kind for p in a.paragraphs] == ["title", "meta", "meta", "body", "body"]
    assert a.meta.published == "12 березня 2024, 10:15" and a.meta.source == "Вісник Ліщинська"
    return a


@pytest.mark.parametrize(
    ("question", "intent", "paragraph"),
    [
        ("When was the article published?", "published", 2),
        ("Коли опублікували статтю?", "published", 2),
        ("Когда опубликована статья?", "published", 2),
        ("Коли вийшла стаття?", "published", 2),
        ("What is the source of this article?", "source", 3),
        ("Яке джерело цієї статті?", "source", 3),
        ("Какой источник у статьи?", "source", 3),
        ("Which newspaper published it?", "source", 3),
        ("Хто написав статтю?", "source", 3),
        ("Кто опубликовал эту статью?", "source", 3),
        ("What is the title?", "title", 1),
        ("Яка назва статті?", "title", 1),
        ("Какой заголовок у статьи?", "title", 1),
    ],
)
def test_a_metadata_question_finds_its_paragraph(article, question, intent, paragraph):
    found = metadata_paragraph(question, article)
    assert found is not None
    assert found[0] == intent
    assert found[1] == article.paragraph(paragraph)
    assert not found[1].is_body


@pytest.mark.parametrize(
    "question",
    [
        "Who opened the bridge?",
        "Хто відкрив міст?",
        "Кто открыл мост?",
        "When was the bridge opened?",  # "when", but not about publishing
        "Коли відремонтують міст?",
        "Когда отремонтируют мост?",
        "Скільки коштував міст?",
        "Who is the author of the bill?",  # an author, but not the article's
        "Хто автор законопроєкту?",
        "Кто автор проекта моста?",
        "Як називається річка?",  # "як називається", but not the article
        "Как называется новый мост?",
        "When did the new timetable come out?",
        "Who wrote the song that opened the festival?",  # the pattern's words, about the story
        "What was the title of the film shown at the festival?",
        "Что было источником пожара на складе?",
        "When did this company publish its report on the bridge?",
    ],
)
def test_a_question_about_the_story_is_not_metadata(article, question):
    assert metadata_paragraph(question, article) is None


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Who is the author of the article?", "source"),  # the parser reads "Автор:"/"Author:" lines as the source
        ("Хто автор статті?", "source"),
        ("Кто автор статьи?", "source"),
        ("What is the date of publication?", "published"),
        ("When did the article come out?", "published"),  # the Ukrainian and Russian "вийшла"/"вышла" are understood
        ("Як називається стаття?", "title"),
        ("Как называется статья?", "title"),
    ],
)
def test_other_phrasings_of_metadata_questions(article, question, intent):
    found = metadata_paragraph(question, article)
    assert found is not None and found[0] == intent


BODY_ONLY = """Мер Оксана Левадна відкрила новий міст через річку Сулу. Будівництво тривало два роки.

Міст коштував 40 млн грн, сказала мер.
"""


@pytest.mark.parametrize(
    "question", ["When was the article published?", "Яке джерело статті?", "Какой заголовок у статьи?", "What is the headline?"]
)
def test_an_article_without_metadata_lines_answers_none(question):
    bare = build_article(parse_text(BODY_ONLY), BODY_ONLY, article_id="bare")
    assert bare.meta.title is None and bare.meta.published is None and bare.meta.source is None
    assert metadata_paragraph(question, bare) is None


def test_only_a_metadata_paragraph_answers_never_the_body():
    """The meta fields are known, but the only text holding them is a body paragraph."""
    article = Article(
        id="hand",
        content_hash="0" * 64,
        meta=ArticleMeta(title="Новий міст", published="12 березня 2024", source="Вісник Ліщинська", language="uk"),
        paragraphs=[Paragraph(number=1, text="Новий міст відкрили 12 березня 2024, пише Вісник Ліщинська.")],
    )
    for question in ("When was the article published?", "What is the source?", "What is the title?"):
        assert metadata_paragraph(question, article) is None


def test_a_hand_made_article_with_one_metadata_line():
    article = Article(
        id="hand",
        content_hash="0" * 64,
        meta=ArticleMeta(source="Вісник Ліщинська", language="uk"),
        paragraphs=[
            Paragraph(number=1, text="Джерело: Вісник Ліщинська", kind="meta"),
            Paragraph(number=2, text="Новий міст відкрили навесні."),
        ],
    )
    assert metadata_paragraph("Яке джерело?", article) == ("source", article.paragraphs[0])
    assert metadata_paragraph("Коли опублікували статтю?", article) is None  # no date known
    assert metadata_paragraph("What is the title?", article) is None
